#include "db/prepared.hpp"

#include "db/native.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace heat::db {
namespace {

struct Rewritten {
  std::string name;  // "hw_" + hash of the text
  std::string text;  // with $1..$n
  int params = 0;
};

// SOCI's rule: `:name` outside quotes is a parameter; `::` is a cast.
Rewritten rewrite(const char* sql) {
  Rewritten out;
  const std::string in(sql);
  enum { normal, quoted, identifier } state = normal;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (state == quoted) {
      out.text += c;
      if (c == '\'') state = normal;
      continue;
    }
    if (state == identifier) {
      out.text += c;
      if (c == '"') state = normal;
      continue;
    }
    if (c == '\'') state = quoted;
    if (c == '"') state = identifier;
    if (c == ':' && i + 1 < in.size() && in[i + 1] == ':') {
      out.text += "::";
      ++i;
      continue;
    }
    if (c == ':' && i + 1 < in.size() && (std::isalnum(static_cast<unsigned char>(in[i + 1])) || in[i + 1] == '_')) {
      std::size_t j = i + 1;
      while (j < in.size() && (std::isalnum(static_cast<unsigned char>(in[j])) || in[j] == '_')) ++j;
      out.text += "$" + std::to_string(++out.params);
      i = j - 1;
      continue;
    }
    out.text += c;
  }
  out.name = "hw_" + std::to_string(std::hash<std::string>{}(out.text));
  return out;
}

std::mutex mutex;
// Rewritten statements by their SOCI text (the constants of the repositories: a fixed set).
std::unordered_map<std::string, Rewritten> rewritten;
// What each connection has prepared, keyed by the connection and its server process: a
// reconnected session gets a new backend pid, so nothing stale is ever trusted.
std::map<std::pair<const PGconn*, int>, std::set<std::string>> prepared;

[[noreturn]] void fail(PGconn* conn, PGresult* r, const char* what) {
  std::string message = r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "08006";  // no answer: the connection is gone
  if (r != nullptr) PQclear(r);
  if (message.empty()) message = what;
  throw soci::postgresql_soci_error(std::string(what) + ": " + message, sqlstate.c_str());
}

}  // namespace

template <>
std::string PreparedRow::get<std::string>(std::size_t column) const {
  if (PQgetisnull(result_, row_, static_cast<int>(column)) != 0) throw soci::soci_error("Null value fetched");
  return std::string(PQgetvalue(result_, row_, static_cast<int>(column)),
                     static_cast<std::size_t>(PQgetlength(result_, row_, static_cast<int>(column))));
}
template <>
long long PreparedRow::get<long long>(std::size_t column) const {
  return std::stoll(get<std::string>(column));
}
template <>
int PreparedRow::get<int>(std::size_t column) const {
  return std::stoi(get<std::string>(column));
}
template <>
double PreparedRow::get<double>(std::size_t column) const {
  return std::stod(get<std::string>(column));
}
template <>
bool PreparedRow::get<bool>(std::size_t column) const {
  return get<std::string>(column) == "t";
}

PreparedRows exec_prepared(soci::session& session, const char* sql, const std::vector<Param>& params) {
  PGconn* conn = native_connection(session);
  if (conn == nullptr) throw soci::soci_error("no PostgreSQL connection");
  Rewritten statement;
  bool needs_prepare = false;
  const auto key = std::make_pair(static_cast<const PGconn*>(conn), PQbackendPID(conn));
  {
    std::lock_guard lock(mutex);
    auto it = rewritten.find(sql);
    if (it == rewritten.end()) it = rewritten.emplace(sql, rewrite(sql)).first;
    statement = it->second;
    needs_prepare = prepared[key].count(statement.name) == 0;
  }
  if (static_cast<int>(params.size()) != statement.params)
    throw soci::soci_error("statement takes " + std::to_string(statement.params) + " parameters, got " +
                           std::to_string(params.size()));
  if (needs_prepare) {
    PGresult* r = PQprepare(conn, statement.name.c_str(), statement.text.c_str(), statement.params, nullptr);
    if (r == nullptr || PQresultStatus(r) != PGRES_COMMAND_OK) fail(conn, r, "cannot prepare statement");
    PQclear(r);
    std::lock_guard lock(mutex);
    prepared[key].insert(statement.name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* r = PQexecPrepared(conn, statement.name.c_str(), statement.params, values.data(), nullptr, nullptr, 0);
  if (r == nullptr || (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK))
    fail(conn, r, "cannot execute statement");
  return PreparedRows(r);
}

std::size_t prepared_count(soci::session& session) {
  PGconn* conn = native_connection(session);
  if (conn == nullptr) return 0;
  std::lock_guard lock(mutex);
  auto it = prepared.find({conn, PQbackendPID(conn)});
  return it == prepared.end() ? 0 : it->second.size();
}

void forget_prepared(const PGconn* conn) {
  std::lock_guard lock(mutex);
  for (auto it = prepared.begin(); it != prepared.end();)
    it = it->first.first == conn ? prepared.erase(it) : std::next(it);
}

}  // namespace heat::db
