#include "db/migrations.hpp"

#include "db/hashing.hpp"
#include "db/native.hpp"

#include <libpq-fe.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <map>
#include <memory>

namespace heat::db {
namespace {

// Arbitrary but fixed: every `heatwatch migrate` takes this advisory lock.
constexpr const char* kLockSql = "SELECT pg_advisory_lock(7246001)";
constexpr const char* kUnlockSql = "SELECT pg_advisory_unlock(7246001)";
constexpr const char* kCreateTableSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
constexpr const char* kAppliedSql = "SELECT version, name, checksum FROM schema_migrations";
constexpr const char* kRecordSql = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

// "V0012__add_users.sql" -> 12; -1 when the name does not follow the pattern.
int version_of(const std::string& name) {
  if (name.size() < 7 || name[0] != 'V') return -1;
  std::size_t i = 1;
  int v = 0;
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) != 0) v = v * 10 + (name[i++] - '0');
  if (i == 1 || name.compare(i, 2, "__") != 0 || name.size() < 4 || name.substr(name.size() - 4) != ".sql") return -1;
  return v;
}

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

Status exec(PGconn* conn, const char* sql) {
  PgResult r(PQexec(conn, sql), &PQclear);
  auto st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return {};
  if (PQstatus(conn) != CONNECTION_OK) return Error::of(ErrorCode::unavailable, "database connection lost");
  return Error::of(ErrorCode::internal, PQerrorMessage(conn));
}

}  // namespace

Result<MigrationReport> migrate(soci::session& session, const std::vector<MigrationSource>& migrations) {
  PGconn* conn = native_connection(session);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK)
    return Error::of(ErrorCode::unavailable, "no database connection");

  std::map<int, const MigrationSource*> wanted;
  for (const auto& m : migrations) {
    int v = version_of(m.name);
    if (v < 0) return Error::invalid("migration", "file name must be V<number>__<name>.sql: " + m.name);
    if (!wanted.emplace(v, &m).second) return Error::invalid("migration", "two migrations with version " + std::to_string(v));
  }

  if (auto s = exec(conn, kLockSql); !s) return s.error();
  struct Unlock {
    PGconn* c;
    ~Unlock() { PQclear(PQexec(c, kUnlockSql)); }
  } unlock{conn};

  if (auto s = exec(conn, kCreateTableSql); !s) return s.error();
  std::map<int, std::pair<std::string, std::string>> applied;
  {
    PgResult r(PQexec(conn, kAppliedSql), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return Error::of(ErrorCode::internal, PQerrorMessage(conn));
    for (int i = 0; i < PQntuples(r.get()); ++i)
      applied[std::stoi(PQgetvalue(r.get(), i, 0))] = {PQgetvalue(r.get(), i, 1), PQgetvalue(r.get(), i, 2)};
  }

  MigrationReport report;
  for (const auto& [version, m] : wanted) {
    const std::string checksum = sha256_hex(m->sql);
    if (auto it = applied.find(version); it != applied.end()) {
      if (it->second.second != checksum)
        return Error::of(ErrorCode::domain_rule, "migration " + m->name +
                                                     " was changed after it was applied (checksum differs); "
                                                     "add a new migration instead");
      ++report.already_applied;
      continue;
    }
    if (auto s = exec(conn, "BEGIN"); !s) return s.error();
    PgResult r(PQexec(conn, m->sql.c_str()), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      std::string why = PQerrorMessage(conn);
      PQclear(PQexec(conn, "ROLLBACK"));
      return Error::of(ErrorCode::internal, "migration " + m->name + " failed: " + why);
    }
    const std::string v = std::to_string(version);
    const char* params[] = {v.c_str(), m->name.c_str(), checksum.c_str()};
    PgResult rec(PQexecParams(conn, kRecordSql, 3, nullptr, params, nullptr, nullptr, 0), &PQclear);
    if (PQresultStatus(rec.get()) != PGRES_COMMAND_OK) {
      std::string why = PQerrorMessage(conn);
      PQclear(PQexec(conn, "ROLLBACK"));
      return Error::of(ErrorCode::internal, "recording migration " + m->name + " failed: " + why);
    }
    if (auto s = exec(conn, "COMMIT"); !s) return s.error();
    spdlog::info("applied migration {}", m->name);
    report.applied.push_back(m->name);
  }
  return report;
}

}  // namespace heat::db
