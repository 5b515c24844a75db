# Thin wrappers over the npm scripts and the CLI, for people who reach for make first.
.PHONY: install build test start migrate typecheck policy policy-test

install:
	npm install

build:
	npm run build

typecheck:
	npm run typecheck

test:
	npm test

start:
	npm start

migrate: build
	node bin/agent-gateway.js migrate

policy: build
	node bin/agent-gateway.js policy build

policy-test:
	npm run policy:test
