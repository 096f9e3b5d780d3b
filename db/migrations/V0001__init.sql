-- Foundation: extensions used throughout.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
