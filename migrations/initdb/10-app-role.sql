-- Run once by the postgres image on a new volume (mounted at
-- /docker-entrypoint-initdb.d by docker-compose.yml): the role Redress
-- serves as. POSTGRES_USER owns the schema and runs the migrations
-- (REDRESS_MIGRATE_DATABASE_URL); this role is granted rows only after
-- each migration, so it can neither alter a table nor turn the ledger's
-- triggers off. Change the password with the one in docker-compose.yml.
CREATE ROLE redress_app LOGIN PASSWORD 'redress_app';
