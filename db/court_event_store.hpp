// Court events and feeds in PostgreSQL (engine/court_events.hpp's CourtEventStore).
//
// An import is one transaction under the feed's row lock: the feed's stored hearings are read
// once, reconcile() decides, and the outcome is written set-based — COPY into temporary
// tables, then one INSERT/UPDATE per table (hearings, history, deadlines, notifications,
// the unmatched queue) — so the number of round trips does not grow with the file. A failure
// anywhere rolls everything back. A manual hearing goes through the same writer.
//
// Thread-safe: each call borrows its own pooled session.
#pragma once

#include "db/pool.hpp"
#include "engine/court_events.hpp"

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat::db {

// COPY ... FROM STDIN (text format) on the session's connection, inside its open transaction.
// Each row is a list of fields (nullopt = NULL); text is escaped for the COPY text format.
// Throws std::runtime_error (the transaction then rolls back) when the server refuses.
class CopyIn {
 public:
  // `copy_sql`: "COPY table (col, ...) FROM STDIN".
  CopyIn(soci::session& sql, const std::string& copy_sql);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;
  void row(const std::vector<std::optional<std::string>>& fields);
  // Sends the end of data and checks the server's answer. Returns the rows sent.
  std::size_t finish();

 private:
  void flush();
  PGconn* conn_ = nullptr;
  std::string buffer_;
  std::size_t rows_ = 0;
  bool done_ = false;
};

class PgCourtEventStore final : public CourtEventStore {
 public:
  explicit PgCourtEventStore(Pool& pool) : pool_(pool) {}

  [[nodiscard]] Result<std::vector<CourtEvent>> list(const CourtEventFilter& filter) override;
  [[nodiscard]] Result<std::optional<CourtEvent>> get(const std::string& id) override;
  [[nodiscard]] Result<std::optional<RecordContext>> case_context(const std::string& case_id) override;
  [[nodiscard]] Result<CourtEvent> create_manual(const NewCourtEvent& e, const Authorizer& authorize,
                                                 const AuditEntry& audit, const Idempotent<CourtEvent>* idem) override;
  [[nodiscard]] Result<Feed> create_feed(const NewFeed& f, const AuditEntry& audit,
                                                 const Idempotent<Feed>* idem) override;
  [[nodiscard]] Result<std::optional<Feed>> get_feed(const std::string& id) override;
  [[nodiscard]] Result<std::optional<Feed>> find_feed(const std::string& name) override;
  [[nodiscard]] Result<std::vector<Feed>> list_feeds(const FeedFilter& filter) override;
  [[nodiscard]] Result<ImportReport> import(const FeedImport& batch, const AuditEntry& audit) override;
  [[nodiscard]] Result<std::vector<UnmatchedRecord>> unmatched(const std::string& feed_id, int limit,
                                                               const std::string& after_id) override;
  [[nodiscard]] Result<ImportReport> match(const std::string& feed_id, const std::string& unmatched_id,
                                           const std::string& case_id, const Authorizer& authorize,
                                           const AuditEntry& audit) override;
  [[nodiscard]] Result<int> sweep_reminders(TimePoint now, const std::vector<int>& days_ahead) override;

 private:
  Pool& pool_;
};

}  // namespace heat::db
