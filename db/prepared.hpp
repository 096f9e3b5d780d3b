// Statements prepared once per pooled connection (issue 10). SOCI 4.0.3's PostgreSQL backend
// runs `sql << ...` as an unnamed one-time statement (parsed and planned on every call) and a
// rowset as PQprepare + PQexecPrepared + DEALLOCATE: three round trips per query. On the hot
// paths (authentication, loading and locking a prosecution, the audit chain, deadlines) the
// repositories call query() instead: the first call on a connection prepares the statement
// under a name derived from its text, every later call is one PQexecPrepared round trip.
//
// The SQL keeps SOCI's `:name` placeholders (rewritten to $1.. once); the values are passed in
// the order the names first appear in the text (no name may repeat, as with SOCI). Values are
// text; std::nullopt is SQL NULL. Rows are read with the same get<T>(i) / get_indicator(i)
// calls as soci::row, so the repositories' row readers take either.
#pragma once

#include <libpq-fe.h>
#include <soci/soci-backend.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace heat::db {

class PreparedRows;

class PreparedRow {
 public:
  PreparedRow(const PGresult* result, int row) : result_(result), row_(row) {}
  [[nodiscard]] soci::indicator get_indicator(std::size_t column) const {
    return PQgetisnull(result_, row_, static_cast<int>(column)) != 0 ? soci::i_null : soci::i_ok;
  }
  // std::string, int, long long, double or bool (PostgreSQL's "t"/"f"). A NULL throws, as in SOCI.
  template <class T>
  [[nodiscard]] T get(std::size_t column) const;

 private:
  const PGresult* result_;
  int row_;
};

// The rows of one execution; iterable like a soci::rowset<soci::row>.
class PreparedRows {
 public:
  explicit PreparedRows(PGresult* result) : result_(result, &PQclear) {}
  [[nodiscard]] int size() const { return PQntuples(result_.get()); }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] PreparedRow operator[](int i) const { return PreparedRow(result_.get(), i); }

  class iterator {
   public:
    iterator(const PGresult* r, int i) : r_(r), i_(i) {}
    PreparedRow operator*() const { return PreparedRow(r_, i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const PGresult* r_;
    int i_;
  };
  [[nodiscard]] iterator begin() const { return iterator(result_.get(), 0); }
  [[nodiscard]] iterator end() const { return iterator(result_.get(), size()); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

using Param = std::optional<std::string>;

// Executes `sql` as a statement prepared on this session's connection (prepared on first use).
// Throws soci::postgresql_soci_error (with the SQLSTATE) on a database error, as SOCI does, so
// callers inside in_transaction get the same error mapping.
PreparedRows exec_prepared(soci::session& session, const char* sql, const std::vector<Param>& params = {});

// How many statements this connection has prepared through exec_prepared() (for tests).
[[nodiscard]] std::size_t prepared_count(soci::session& session);

// Forgets what was prepared on `conn` (called when a connection is replaced or closed).
void forget_prepared(const PGconn* conn);

}  // namespace heat::db
