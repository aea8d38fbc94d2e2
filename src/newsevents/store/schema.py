"""The database schema (documented table by table in docs/schema.md) and its version.

Raise SCHEMA_VERSION and add a step to migrations.py whenever a table or column changes.
"""

SCHEMA_VERSION = 3

DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, path VARCHAR, url VARCHAR, title VARCHAR, outlet VARCHAR, authors VARCHAR[],
    published DATE, date_source VARCHAR, date_confidence DOUBLE, fetched VARCHAR, language VARCHAR,
    duplicate_of VARCHAR, text_hash VARCHAR, text VARCHAR, removed VARCHAR[], n_events INTEGER, ingested_at TIMESTAMP,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS article_signatures (article_id VARCHAR PRIMARY KEY, signature BLOB);
CREATE TABLE IF NOT EXISTS article_bands (band SMALLINT, key BIGINT, article_id VARCHAR);
CREATE TABLE IF NOT EXISTS actor_mentions (
    article_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, actor_id VARCHAR, name VARCHAR,
    country VARCHAR, sector VARCHAR, code VARCHAR, kind VARCHAR
);
CREATE TABLE IF NOT EXISTS places (
    article_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR, name VARCHAR, country VARCHAR,
    lat DOUBLE, lon DOUBLE, feature VARCHAR, geonames_id BIGINT
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, article_id VARCHAR, sentence VARCHAR, sentence_start INTEGER, sentence_end INTEGER,
    trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    source_id VARCHAR, source_name VARCHAR, source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    source_text VARCHAR, source_start INTEGER, source_end INTEGER, source_kind VARCHAR,
    target_id VARCHAR, target_name VARCHAR, target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    target_text VARCHAR, target_start INTEGER, target_end INTEGER, target_kind VARCHAR,
    cameo VARCHAR, cameo_root VARCHAR, cameo_name VARCHAR, goldstein DOUBLE, quad_class INTEGER, plover VARCHAR,
    modality VARCHAR, attributed_id VARCHAR, attributed_name VARCHAR, attributed_code VARCHAR, attributed_text VARCHAR,
    attributed_start INTEGER, attributed_end INTEGER,
    date DATE, date_precision VARCHAR, date_text VARCHAR, date_start INTEGER, date_end INTEGER,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    location_feature VARCHAR, location_geonames_id BIGINT, location_text VARCHAR, location_start INTEGER, location_end INTEGER,
    quantities JSON
);
CREATE TABLE IF NOT EXISTS fused_events (
    id VARCHAR PRIMARY KEY, date DATE, date_precision VARCHAR,
    cameo VARCHAR, cameo_root VARCHAR, cameo_name VARCHAR, goldstein DOUBLE, quad_class INTEGER, plover VARCHAR,
    modality VARCHAR, factual BOOLEAN,
    source_code VARCHAR, source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    target_code VARCHAR, target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    location_feature VARCHAR, location_geonames_id BIGINT,
    n_mentions INTEGER, n_articles INTEGER, n_outlets INTEGER, outlets VARCHAR[],
    first_report DATE, last_report DATE, confidence DOUBLE, first_mention VARCHAR, sentence VARCHAR,
    actor_keys VARCHAR
);
CREATE TABLE IF NOT EXISTS fused_mentions (fused_id VARCHAR, event_id VARCHAR PRIMARY KEY, article_id VARCHAR, position INTEGER);
CREATE TABLE IF NOT EXISTS ingest_errors (origin VARCHAR, reason VARCHAR, recorded_at TIMESTAMP, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY, command VARCHAR, inputs VARCHAR[], version VARCHAR, started_at TIMESTAMP,
    finished_at TIMESTAMP, status VARCHAR, articles_added INTEGER, duplicates INTEGER, errors INTEGER, events INTEGER
);
CREATE TABLE IF NOT EXISTS actor_layers (
    name VARCHAR PRIMARY KEY, position INTEGER, sources VARCHAR[], entries INTEGER, imported_at TIMESTAMP, content VARCHAR
);
"""

# Secondary indexes: DuckDB's zone maps already prune by date; these serve point lookups by id.
INDEXES = """
CREATE INDEX IF NOT EXISTS events_article ON events (article_id);
CREATE INDEX IF NOT EXISTS fused_mentions_fused ON fused_mentions (fused_id);
CREATE INDEX IF NOT EXISTS actor_mentions_article ON actor_mentions (article_id);
CREATE INDEX IF NOT EXISTS places_article ON places (article_id);
"""
