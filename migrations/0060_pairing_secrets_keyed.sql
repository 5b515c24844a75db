-- 0060 pairing secrets at rest under a server key (issue 10, finding 3). Pairing codes kept four
-- of their eight characters in clear beside an unkeyed SHA-256, so a database reader recovered a
-- live code in about a second; user codes and flow secrets had unkeyed hashes too. From now on the
-- database holds only HMAC-SHA-256 values under the server key (GATEWAY_SECRET_KEY or
-- <DATA_DIR>/secret-key, never in the database): the HMAC of the whole normalised code finds the
-- row, the HMAC of its first group lets a wrong guess count against the code it nearly matched.
--
-- The old values cannot be turned into HMACs (that needs the code itself), so every existing row
-- gets a placeholder that no HMAC ever equals. Codes and flows created before this migration
-- therefore stop working: they live 10 minutes by default (PAIRING_CODE_TTL_SECONDS,
-- PAIRING_FLOW_TTL_SECONDS); an owner asks for a new code, a CLI starts a new flow. Spent rows
-- keep their history (agent, times, token) and lose only hashes of secrets that are already void.

alter table "pairing_codes" drop column "lookup";
alter table "pairing_codes" rename column "code_hash" to "code_mac";
alter table "pairing_codes" add column "group_mac" text null;
update "pairing_codes" set "code_mac" = 'void-0060:' || "id", "group_mac" = 'void-0060:' || "id";
alter table "pairing_codes" alter column "group_mac" set not null;
create index "pairing_codes_code_mac_index" on "pairing_codes" ("code_mac");
create index "pairing_codes_group_mac_index" on "pairing_codes" ("group_mac");

alter table "pairing_flows" rename column "secret_hash" to "secret_mac";
alter table "pairing_flows" rename column "user_code_hash" to "user_code_mac";
alter table "pairing_flows" rename constraint "pairing_flows_user_code_hash_unique" to "pairing_flows_user_code_mac_unique";
update "pairing_flows" set "secret_mac" = 'void-0060:' || "id", "user_code_mac" = 'void-0060:' || "id";
