-- Keys issued by the service (docs/serving.md, Security): each as the SHA-256 digest (hex) of the key, never the key.
CREATE TABLE closecast_api_key (
    id            VARCHAR(40)  NOT NULL PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    key_sha256    CHAR(64)     NOT NULL UNIQUE,
    created_ms    BIGINT       NOT NULL,
    expires_ms    BIGINT,
    last_used_ms  BIGINT,
    revoked_ms    BIGINT
);
