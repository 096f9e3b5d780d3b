// Access to the libpq connection beneath a SOCI session, for what SOCI cannot do:
// multi-statement scripts (migrations), COPY, and connection status checks.
#pragma once

#include <libpq-fe.h>

namespace soci {
class session;
}

namespace heat::db {

// The session's libpq connection, or nullptr when it has none.
PGconn* native_connection(soci::session& session);

}  // namespace heat::db
