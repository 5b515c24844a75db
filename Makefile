# Thin wrappers over the npm scripts and the CLI, for people who reach for make first.
.PHONY: install build test start migrate typecheck policy policy-test audit-verify ci clean-data

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

audit-verify: build
	node bin/agent-gateway.js audit verify

ci:
	.ci/run

# Removes the local embedded PostgreSQL cluster and the generated internal API token (stop the gateway first).
clean-data:
	rm -rf .data

policy: build
	node bin/agent-gateway.js policy build

policy-test:
	npm run policy:test
