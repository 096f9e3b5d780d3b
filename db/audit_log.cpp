#include "db/audit_log.hpp"

#include "db/hashing.hpp"
#include "db/prepared.hpp"

#include <soci/soci.h>

namespace heat::db {
namespace {

// One lock for the whole chain: entries are linked in commit order.
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(7246002)";
// Read after the lock is held (a statement of its own, so its snapshot sees the last commit).
constexpr const char* kHeadAndNextSql =
    "SELECT (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), nextval('audit_log_seq_seq')";
constexpr const char* kInsertSql =
    "INSERT INTO audit_log (seq, at, at_text, actor_id, actor_username, action, entity, entity_id, outcome,"
    " remote_address, details, prev_hash, hash) VALUES (:seq, :at_text::timestamptz, :at_text2, :actor_id,"
    " :actor_username, :action, :entity, :entity_id, :outcome, :remote, :details, :prev, :hash)";
constexpr const char* kSelectColumns =
    "SELECT seq, at_text, actor_id, actor_username, action, entity, entity_id, outcome, remote_address, details,"
    " prev_hash, hash FROM audit_log";

AuditRecord read_record(const soci::row& r) {
  AuditRecord rec;
  rec.seq = r.get<long long>(0);
  rec.at_text = r.get<std::string>(1);
  rec.entry.actor_id = r.get<std::string>(2);
  rec.entry.actor_username = r.get<std::string>(3);
  rec.entry.action = r.get<std::string>(4);
  rec.entry.entity = r.get<std::string>(5);
  rec.entry.entity_id = r.get<std::string>(6);
  rec.entry.outcome = r.get<std::string>(7);
  rec.entry.remote_address = r.get<std::string>(8);
  rec.entry.details = r.get<std::string>(9);
  rec.prev_hash = r.get<std::string>(10);
  rec.hash = r.get<std::string>(11);
  return rec;
}

}  // namespace

void append_audit(soci::session& sql, const AuditEntry& e) {
  // Prepared once per connection (db/prepared.hpp): four round trips, no parsing.
  exec_prepared(sql, kLockSql);
  std::string prev = kAuditGenesisHash;
  long long seq = 0;
  {
    const auto rows = exec_prepared(sql, kHeadAndNextSql);
    const auto r = rows[0];
    if (r.get_indicator(0) == soci::i_ok) prev = r.get<std::string>(0);
    seq = r.get<long long>(1);
  }
  const std::string at_text = format_utc_micros(e.at);
  const std::string hash = sha256_hex(audit_canonical_text(prev, seq, at_text, e));
  exec_prepared(sql, kInsertSql,
        {std::to_string(seq), at_text, at_text, e.actor_id, e.actor_username, e.action, e.entity, e.entity_id,
         e.outcome, e.remote_address, e.details, prev, hash});
}

Status PgAuditLog::append(const AuditEntry& entry) {
  auto r = in_transaction(pool_, [&](soci::session& sql) -> Result<bool> {
    append_audit(sql, entry);
    return true;
  });
  if (!r) return r.error();
  return {};
}

Result<std::vector<AuditRecord>> PgAuditLog::list(const AuditFilter& f) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<AuditRecord> out;
    const int limit = f.limit;
    const long long after = f.after_seq;
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kSelectColumns) +
                                  " WHERE seq > :after AND (:entity = '' OR entity = :entity2)"
                                  " AND (:eid = '' OR entity_id = :eid2) AND (:actor = '' OR actor_id = :actor2"
                                  " OR actor_username = :actor3) ORDER BY seq LIMIT :limit",
         soci::use(after, "after"), soci::use(f.entity, "entity"),
         soci::use(f.entity, "entity2"), soci::use(f.entity_id, "eid"), soci::use(f.entity_id, "eid2"),
         soci::use(f.actor, "actor"), soci::use(f.actor, "actor2"), soci::use(f.actor, "actor3"),
         soci::use(limit, "limit"));
    for (const auto& r : rows) out.push_back(read_record(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<AuditVerification> PgAuditLog::verify() {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    AuditVerification v;
    std::string expected_prev = kAuditGenesisHash;
    // Streamed in seq order; a deleted entry breaks the next one's prev_hash, an edited
    // one its own hash, a reordered pair both.
    soci::rowset<soci::row> rows = ((**lease).prepare << std::string(kSelectColumns) + " ORDER BY seq");
    for (const auto& r : rows) {
      AuditRecord rec = read_record(r);
      ++v.checked;
      const std::string recomputed = sha256_hex(audit_canonical_text(rec.prev_hash, rec.seq, rec.at_text, rec.entry));
      if (rec.prev_hash != expected_prev || recomputed != rec.hash) {
        v.valid = false;
        v.broken_at = rec.seq;
        return v;
      }
      expected_prev = rec.hash;
    }
    return v;
  } catch (...) {
    return current_exception_to_error();
  }
}

}  // namespace heat::db
