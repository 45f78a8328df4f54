-- Knowledge base: categories and articles with a translation per language (Markdown, rendered
-- and sanitized HTML, a slug per language), draft or published, images, view counts and
-- "was this helpful?" votes. Published articles are the shop's public help center
-- (/p/{shop}/help); the rule runner's bot looks for the article that answers a message.
--
-- Search, per language:
-- * Languages with a PostgreSQL stemmer (english, german, french, spanish, italian, portuguese,
--   dutch, …: kb_regconfig()) are indexed with it, so "returning" finds "return" and
--   "Rücksendungen" finds "Rücksendung"; others get 'simple' (no stemming, no stop words).
-- * Chinese, Japanese, Korean and Thai go through search_text() (the ticket search's: runs of
--   those scripts become overlapping character pairs, "退货政策" → "退货 货政 政策"). We checked
--   pg_trgm first: in this cluster's C.UTF-8 locale show_trgm('退货政策') does make trigrams,
--   but (1) in a database whose LC_CTYPE is C it makes none at all (non-ASCII characters are
--   not "alphanumeric" there), and it also splits "Rücksendung" at the ü; (2) trigrams of a
--   two-character word, which most Chinese and Japanese words are, are padded (" 退货",
--   "退货 ") and never occur inside a longer run, so word_similarity('退货',
--   '如何申请退货政策说明') is 0. Character pairs match 退货 inside any sentence in every
--   locale, so pg_trgm is not used.
-- * Title terms weigh A, body terms B: a title hit ranks above a body hit.
-- Under row-level security PostgreSQL cannot use the full-text index for `@@` (the operator is
-- not LEAKPROOF), so a search reads the shop's published translations through the primary
-- key (tenant first); a knowledge base is hundreds of articles, not millions of messages.
--
-- Images are served publicly only while a published article's Markdown refers to them
-- (kb_article_translations.image_ids): an image uploaded for a draft (next season's product,
-- a screenshot of an unannounced policy) must not be public before the article is, and an
-- unpublished article takes its images offline with it. Agents see every image of their shop
-- through the signed-in app.

-- The text-search configuration of a language tag ('de', 'pt-br', …); aftersail_domain::kb
-- keeps the same table (text_search_config), and a test holds the two together.
CREATE FUNCTION kb_regconfig(locale text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT (CASE split_part(locale, '-', 1)
        WHEN 'ar' THEN 'arabic' WHEN 'ca' THEN 'catalan' WHEN 'da' THEN 'danish'
        WHEN 'de' THEN 'german' WHEN 'el' THEN 'greek' WHEN 'en' THEN 'english'
        WHEN 'es' THEN 'spanish' WHEN 'eu' THEN 'basque' WHEN 'fi' THEN 'finnish'
        WHEN 'fr' THEN 'french' WHEN 'ga' THEN 'irish' WHEN 'hi' THEN 'hindi'
        WHEN 'hu' THEN 'hungarian' WHEN 'hy' THEN 'armenian' WHEN 'id' THEN 'indonesian'
        WHEN 'it' THEN 'italian' WHEN 'lt' THEN 'lithuanian' WHEN 'nb' THEN 'norwegian'
        WHEN 'nn' THEN 'norwegian' WHEN 'no' THEN 'norwegian' WHEN 'ne' THEN 'nepali'
        WHEN 'nl' THEN 'dutch' WHEN 'pt' THEN 'portuguese' WHEN 'ro' THEN 'romanian'
        WHEN 'ru' THEN 'russian' WHEN 'sr' THEN 'serbian' WHEN 'sv' THEN 'swedish'
        WHEN 'ta' THEN 'tamil' WHEN 'tr' THEN 'turkish' WHEN 'yi' THEN 'yiddish'
        ELSE 'simple' END)::regconfig
    $$;

-- Languages written without spaces between words (aftersail_domain::kb::uses_bigrams).
CREATE FUNCTION kb_uses_bigrams(locale text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT split_part(locale, '-', 1) IN ('zh', 'ja', 'ko', 'th') $$;

-- A text's search terms in a language: stemmed words, or character pairs.
CREATE FUNCTION kb_terms(locale text, doc text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT CASE WHEN kb_uses_bigrams(locale)
                THEN to_tsvector('simple'::regconfig, search_text(doc))
                ELSE to_tsvector(kb_regconfig(locale), doc) END
    $$;

-- What a visitor typed, as a query in a language: every word (or pair) must occur; quoted
-- phrases and -exclusions work in word languages (websearch syntax).
CREATE FUNCTION kb_query(locale text, q text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT CASE WHEN kb_uses_bigrams(locale)
                THEN plainto_tsquery('simple'::regconfig, search_text(q))
                ELSE websearch_to_tsquery(kb_regconfig(locale), q) END
    $$;

-- The same terms, any of which may occur (for when no article has them all). Lexemes are
-- quoted for tsquery input (quotes doubled, backslashes escaped); NULL when there are none.
CREATE FUNCTION kb_any_query(locale text, q text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT string_agg('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery
    FROM unnest(tsvector_to_array(kb_terms(locale, q))) AS l
    $$;

CREATE TABLE kb_categories (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL,
    -- The help center lists categories by position.
    position   integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX kb_categories_position_idx ON kb_categories (tenant_id, position, id);

CREATE TABLE kb_category_names (
    tenant_id   uuid NOT NULL,
    category_id uuid NOT NULL,
    locale      text NOT NULL CHECK (locale ~ '^[a-z]{2,3}(-[a-z0-9]{2,8})*$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    PRIMARY KEY (tenant_id, category_id, locale),
    FOREIGN KEY (tenant_id, category_id) REFERENCES kb_categories (tenant_id, id) ON DELETE CASCADE
);
-- Two categories may not share a name in one language.
CREATE UNIQUE INDEX kb_category_names_name_key ON kb_category_names (tenant_id, locale, lower(name));

CREATE TABLE kb_articles (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    -- NULL: not in a category (listed under "More articles").
    category_id  uuid,
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    -- Order within the category, lowest first.
    position     integer NOT NULL DEFAULT 0,
    view_count   bigint NOT NULL DEFAULT 0 CHECK (view_count >= 0),
    helpful_yes  integer NOT NULL DEFAULT 0 CHECK (helpful_yes >= 0),
    helpful_no   integer NOT NULL DEFAULT 0 CHECK (helpful_no >= 0),
    author_id    uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES kb_categories (tenant_id, id)
        ON DELETE SET NULL (category_id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (author_id)
);
CREATE INDEX kb_articles_category_idx ON kb_articles (tenant_id, category_id, position, id);

CREATE TABLE kb_article_translations (
    tenant_id     uuid NOT NULL,
    article_id    uuid NOT NULL,
    locale        text NOT NULL CHECK (locale ~ '^[a-z]{2,3}(-[a-z0-9]{2,8})*$'),
    -- Lower-case letters and digits of any script joined by single hyphens
    -- (aftersail_domain::kb::check_slug); here: no ASCII upper case, space or punctuation but
    -- '-', no leading, trailing or doubled '-'.
    slug          text NOT NULL CHECK (length(slug) BETWEEN 1 AND 120
                                       AND slug !~ '[A-Z[:space:]!-,./:-@\[-`{-~]'
                                       AND slug !~ '^-|-$|--'),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body_markdown text NOT NULL CHECK (length(body_markdown) <= 100000),
    -- Rendered from body_markdown and sanitized (aftersail_domain::kb::render_markdown) on
    -- every save; the only HTML ever shown.
    body_html     text NOT NULL,
    -- The words without markup, for search and snippets.
    body_text     text NOT NULL,
    -- The kb_images the Markdown refers to (public while the article is published).
    image_ids     uuid[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(kb_terms(locale, title), 'A') || setweight(kb_terms(locale, body_text), 'B')
    ) STORED,
    PRIMARY KEY (tenant_id, article_id, locale),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE
);
-- One article per slug and language in a shop (the public address).
CREATE UNIQUE INDEX kb_article_translations_slug_key ON kb_article_translations (tenant_id, locale, slug);
CREATE INDEX kb_article_translations_search_idx ON kb_article_translations
    USING gin (tenant_id, search_vector);

CREATE TABLE kb_images (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    -- Recognised from the bytes, never taken from the browser (no SVG: it can carry script).
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    size_bytes   integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
    data         bytea NOT NULL CHECK (octet_length(data) = size_bytes),
    uploaded_by  uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, uploaded_by) REFERENCES users (tenant_id, id) ON DELETE SET NULL (uploaded_by)
);

-- "Was this helpful?": one vote per article, language and browser (a hash of a random
-- long-lived cookie; the cookie itself is never stored). A browser may change its vote.
CREATE TABLE kb_feedback (
    tenant_id  uuid NOT NULL,
    article_id uuid NOT NULL,
    locale     text NOT NULL,
    voter_hash bytea NOT NULL CHECK (octet_length(voter_hash) = 32),
    helpful    boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, article_id, locale, voter_hash),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['kb_categories', 'kb_category_names', 'kb_articles',
                             'kb_article_translations', 'kb_images', 'kb_feedback']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                       'WITH CHECK (tenant_id = app_tenant_id())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersail_app', t);
    END LOOP;
END $$;
