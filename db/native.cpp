#include "db/native.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

namespace heat::db {

PGconn* native_connection(soci::session& session) {
  // SOCI does not export the backend's typeinfo, so no dynamic_cast: check the name.
  if (session.get_backend() == nullptr || session.get_backend_name() != "postgresql") return nullptr;
  return static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
}

}  // namespace heat::db
