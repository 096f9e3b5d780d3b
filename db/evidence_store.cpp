#include "db/evidence_store.hpp"

#include "db/audit_log.hpp"
#include "db/json_text.hpp"
#include "db/idempotency.hpp"
#include "db/errors.hpp"
#include "db/hashing.hpp"
#include "db/identity_store.hpp"
#include "engine/court_calendar.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <sstream>

namespace heat::db {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------
// SQL

constexpr const char* kItemSelect =
    "SELECT i.id::text, i.case_id::text, i.label, i.kind, i.description, i.source, i.collected_by,"
    " (extract(epoch FROM i.collected_at) * 1000000)::bigint, i.location, i.storage_location, COALESCE(i.sha256, ''),"
    " i.status, i.version, (extract(epoch FROM i.created_at) * 1000000)::bigint, i.custody_seq, i.custody_head,"
    " c.unit, COALESCE(c.lead_dda_id::text, ''),"
    " COALESCE((SELECT string_agg(a.user_id::text, ',') FROM case_assignments a WHERE a.case_id = c.id), '')"
    " FROM evidence_items i JOIN cases c ON c.id = i.case_id";
constexpr const char* kLockItemSql = "SELECT version FROM evidence_items WHERE id = :id::uuid FOR UPDATE";
constexpr const char* kLockCaseSql = "SELECT 1 FROM cases WHERE id = :id::uuid FOR SHARE";
constexpr const char* kCaseContextSql =
    "SELECT c.unit, COALESCE(c.lead_dda_id::text, ''),"
    " COALESCE((SELECT string_agg(a.user_id::text, ',') FROM case_assignments a WHERE a.case_id = c.id), '')"
    " FROM cases c WHERE c.id = :id::uuid";
constexpr const char* kInsertItemSql =
    "INSERT INTO evidence_items (case_id, label, kind, description, source, collected_by, collected_at, location,"
    " storage_location, sha256, created_by, created_at, updated_at) VALUES (:case_id::uuid, :label, :kind, :descr,"
    " :source, :collected_by, CAST(:collected_at AS timestamptz), :location, :storage, NULLIF(:sha, ''),"
    " NULLIF(:by, '')::uuid, CAST(:now AS timestamptz), CAST(:now2 AS timestamptz)) RETURNING id::text";
constexpr const char* kInsertEventSql =
    "INSERT INTO custody_events (item_id, seq, from_party, to_party, purpose, at, at_text, location, recorded_by,"
    " prev_hash, hash) VALUES (:item::uuid, :seq, :from_party, :to_party, :purpose, CAST(:at AS timestamptz),"
    " :at_text, :location, :recorded_by, :prev, :hash) RETURNING id::text";
constexpr const char* kSetHeadSql =
    "UPDATE evidence_items SET custody_seq = :seq, custody_head = :hash WHERE id = :id::uuid";
constexpr const char* kAdvanceSql =
    "UPDATE evidence_items SET custody_seq = :seq, custody_head = :hash, status = :status, version = version + 1,"
    " updated_at = CAST(:now AS timestamptz) WHERE id = :id::uuid";
constexpr const char* kEventsSql =
    "SELECT id::text, item_id::text, seq, from_party, to_party, purpose, at_text, location, recorded_by, prev_hash,"
    " hash FROM custody_events WHERE item_id = :id::uuid ORDER BY seq, id";
constexpr const char* kHeadSql = "SELECT custody_seq, custody_head FROM evidence_items WHERE id = :id::uuid";
constexpr const char* kAllItemsSql = "SELECT id::text FROM evidence_items ORDER BY created_at, id";
constexpr const char* kProsecutionCaseSql = "SELECT case_id::text FROM prosecutions WHERE id = :id::uuid";
constexpr const char* kCaseProsecutionsSql =
    "SELECT id::text FROM prosecutions WHERE case_id = :id::uuid ORDER BY created_at, id";
constexpr const char* kItemsInCaseSql =
    "SELECT count(*) FROM evidence_items WHERE id = ANY(CAST(:ids AS uuid[])) AND case_id = :case_id::uuid";
constexpr const char* kInsertDisclosureSql =
    "INSERT INTO disclosures (case_id, prosecution_id, to_counsel, at, method, bates, item_ids, override_reason,"
    " created_by, created_at) VALUES (:case_id::uuid, NULLIF(:pid, '')::uuid, :to_counsel, CAST(:at AS timestamptz),"
    " :method, :bates, CAST(:ids AS uuid[]), NULLIF(:override, ''), NULLIF(:by, '')::uuid,"
    " CAST(:now AS timestamptz)) RETURNING id::text";
constexpr const char* kOpenDiscoverySql =
    "SELECT id::text, due_date::text FROM deadlines WHERE prosecution_id = :pid::uuid"
    " AND rule_id = 'pc1054_7_discovery' AND status = 'open' ORDER BY due_date, id FOR UPDATE";
constexpr const char* kMeetDeadlineSql =
    "UPDATE deadlines SET status = 'met', met_on_time = (CAST(:on_time AS integer) = 1),"
    " resolved_on = CAST(:resolved AS date), note = :note, updated_at = CAST(:now AS timestamptz)"
    " WHERE id = :id::uuid";
constexpr const char* kDisclosureSelect =
    "SELECT id::text, case_id::text, COALESCE(prosecution_id::text, ''), to_counsel,"
    " (extract(epoch FROM at) * 1000000)::bigint, method, bates, array_to_string(item_ids, ','),"
    " COALESCE(override_reason, ''), COALESCE(created_by::text, ''),"
    " (extract(epoch FROM created_at) * 1000000)::bigint FROM disclosures";
constexpr const char* kDisclosureListSql =
    " WHERE case_id = :case_id::uuid AND (:pid = '' OR prosecution_id = NULLIF(:pid2, '')::uuid)"
    " AND (:after_at = '' OR (at, id) > (CAST(NULLIF(:after_at2, '') AS timestamptz), CAST(NULLIF(:after_id, '') AS uuid)))"
    " ORDER BY at, id LIMIT :lim";
// Idempotency-Key storage shared with the case routes (the idempotency_keys table of V0003).

// ---------------------------------------------------------------------------------------
// Rows

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string id; std::getline(in, id, ',');)
    if (!id.empty()) out.push_back(id);
  return out;
}

EvidenceItem read_item(const soci::row& r, CustodyHead* head = nullptr) {
  EvidenceItem i;
  i.id = r.get<std::string>(0);
  i.case_id = r.get<std::string>(1);
  i.label = r.get<std::string>(2);
  i.kind = r.get<std::string>(3);
  i.description = r.get<std::string>(4);
  i.source = r.get<std::string>(5);
  i.collected_by = r.get<std::string>(6);
  i.collected_at = from_epoch_micros(r.get<long long>(7));
  i.location = r.get<std::string>(8);
  i.storage_location = r.get<std::string>(9);
  i.sha256 = r.get<std::string>(10);
  i.status = r.get<std::string>(11);
  i.version = r.get<int>(12);
  i.created_at = from_epoch_micros(r.get<long long>(13));
  if (head != nullptr) {
    head->seq = r.get<long long>(14);
    head->hash = r.get<std::string>(15);
  }
  i.access.unit = r.get<std::string>(16);
  i.access.lead_dda_id = r.get<std::string>(17);
  i.access.assigned_dda_ids = split_ids(r.get<std::string>(18));
  return i;
}

std::optional<EvidenceItem> load_item(soci::session& sql, const std::string& id, CustodyHead* head = nullptr) {
  soci::rowset<soci::row> rows = (sql.prepare << std::string(kItemSelect) + " WHERE i.id = :id::uuid",
                                  soci::use(id, "id"));
  for (const auto& r : rows) return read_item(r, head);
  return std::nullopt;
}

std::vector<CustodyEvent> load_events(soci::session& sql, const std::string& item_id) {
  std::vector<CustodyEvent> out;
  soci::rowset<soci::row> rows = (sql.prepare << kEventsSql, soci::use(item_id, "id"));
  for (const auto& r : rows) {
    CustodyEvent e;
    e.id = r.get<std::string>(0);
    e.item_id = r.get<std::string>(1);
    e.seq = r.get<long long>(2);
    e.from = r.get<std::string>(3);
    e.to = r.get<std::string>(4);
    e.purpose = r.get<std::string>(5);
    e.at_text = r.get<std::string>(6);
    e.location = r.get<std::string>(7);
    e.recorded_by = r.get<std::string>(8);
    e.prev_hash = r.get<std::string>(9);
    e.hash = r.get<std::string>(10);
    out.push_back(std::move(e));
  }
  return out;
}

Disclosure read_disclosure(const soci::row& r) {
  Disclosure d;
  d.id = r.get<std::string>(0);
  d.case_id = r.get<std::string>(1);
  d.prosecution_id = r.get<std::string>(2);
  d.to_counsel = r.get<std::string>(3);
  d.at = from_epoch_micros(r.get<long long>(4));
  d.method = r.get<std::string>(5);
  d.bates = r.get<std::string>(6);
  d.item_ids = split_ids(r.get<std::string>(7));
  d.override_reason = r.get<std::string>(8);
  d.created_by = r.get<std::string>(9);
  d.created_at = from_epoch_micros(r.get<long long>(10));
  return d;
}

std::optional<RecordContext> case_context(soci::session& sql, const std::string& case_id) {
  std::string unit, lead, assigned;
  sql << kCaseContextSql, soci::use(case_id, "id"), soci::into(unit), soci::into(lead), soci::into(assigned);
  if (!sql.got_data()) return std::nullopt;
  RecordContext ctx;
  ctx.unit = unit;
  ctx.lead_dda_id = lead;
  ctx.assigned_dda_ids = split_ids(assigned);
  return ctx;
}

Error not_found(const char* what) { return Error::of(ErrorCode::not_found, std::string("no such ") + what); }

AuditEntry audit_for(const AuditEntry& base, const std::string& entity, const std::string& id, json::object details) {
  AuditEntry a = base;
  a.entity = entity;
  a.entity_id = id;
  a.details = json::serialize(details);
  return a;
}

// Appends the event after `prev` (seq, prev_hash) and returns it with its id and hash.
CustodyEvent append_event(soci::session& sql, CustodyEvent e) {
  e.hash = sha256_hex(custody_canonical_text(e));
  long long seq = e.seq;
  sql << kInsertEventSql, soci::use(e.item_id, "item"), soci::use(seq, "seq"), soci::use(e.from, "from_party"),
      soci::use(e.to, "to_party"), soci::use(e.purpose, "purpose"), soci::use(e.at_text, "at"),
      soci::use(e.at_text, "at_text"), soci::use(e.location, "location"), soci::use(e.recorded_by, "recorded_by"),
      soci::use(e.prev_hash, "prev"), soci::use(e.hash, "hash"), soci::into(e.id);
  return e;
}

ChainVerification verify_in(soci::session& sql, const std::string& item_id) {
  long long seq = 0;
  std::string hash;
  sql << kHeadSql, soci::use(item_id, "id"), soci::into(seq), soci::into(hash);
  return verify_custody_chain(load_events(sql, item_id), [](std::string_view b) { return sha256_hex(b); },
                              CustodyHead{seq, hash});
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Items

Result<EvidenceItem> PgEvidenceStore::create_item(const NewEvidenceItem& n, const Authorizer& authorize,
                                                  const AuditEntry& audit, const Idempotent<EvidenceItem>* idem) {
  if (!is_uuid(n.case_id)) return not_found("case");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<EvidenceItem> {
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    int one = 0;
    sql << kLockCaseSql, soci::use(n.case_id, "id"), soci::into(one);
    if (!sql.got_data()) return not_found("case");
    auto ctx = case_context(sql, n.case_id);
    if (!ctx) return not_found("case");
    if (auto s = authorize(*ctx); !s) return s.error();
    const std::string collected_at = format_utc_micros(n.collected_at);
    const std::string now = format_utc_micros(audit.at);
    const std::string by = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
    std::string id;
    sql << kInsertItemSql, soci::use(n.case_id, "case_id"), soci::use(n.label, "label"), soci::use(n.kind, "kind"),
        soci::use(n.description, "descr"), soci::use(n.source, "source"), soci::use(n.collected_by, "collected_by"),
        soci::use(collected_at, "collected_at"), soci::use(n.location, "location"),
        soci::use(n.storage_location, "storage"), soci::use(n.sha256, "sha"), soci::use(by, "by"),
        soci::use(now, "now"), soci::use(now, "now2"), soci::into(id);
    // Event 1: the collection itself.
    CustodyEvent first;
    first.item_id = id;
    first.seq = 1;
    first.from = "";
    first.to = n.collected_by;
    first.purpose = kCollectedPurpose;
    first.at_text = collected_at;
    first.location = n.location;
    first.recorded_by = n.recorded_by;
    first.prev_hash = kCustodyGenesisHash;
    first = append_event(sql, std::move(first));
    long long seq = first.seq;
    sql << kSetHeadSql, soci::use(seq, "seq"), soci::use(first.hash, "hash"), soci::use(id, "id");
    append_audit(sql, audit_for(audit, "evidence_item", id,
                                {{"case_id", n.case_id}, {"kind", n.kind}, {"custody_event", first.id}}));
    auto item = load_item(sql, id);
    if (!item) return Error::of(ErrorCode::internal, "created evidence item not found");
    store_response(sql, idem, *item);
    return std::move(*item);
  });
}

Result<std::optional<EvidenceItem>> PgEvidenceStore::get_item(const std::string& id) {
  if (!is_uuid(id)) return std::optional<EvidenceItem>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load_item(**lease, id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::vector<EvidenceItem>> PgEvidenceStore::items_of_case(const std::string& case_id) {
  std::vector<EvidenceItem> out;
  if (!is_uuid(case_id)) return out;
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::rowset<soci::row> rows =
        ((*lease)->prepare << std::string(kItemSelect) + " WHERE i.case_id = :id::uuid ORDER BY i.created_at, i.id",
         soci::use(case_id, "id"));
    for (const auto& r : rows) out.push_back(read_item(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<EvidenceItem> PgEvidenceStore::patch_item(const std::string& id, std::optional<int> expected_version,
                                                 const EvidencePatch& patch, const Authorizer& authorize,
                                                 const AuditEntry& audit) {
  if (!is_uuid(id)) return not_found("evidence item");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<EvidenceItem> {
    int version = 0;
    sql << kLockItemSql, soci::use(id, "id"), soci::into(version);
    if (!sql.got_data()) return not_found("evidence item");
    auto current = load_item(sql, id);
    if (!current) return not_found("evidence item");
    if (auto s = authorize(current->access); !s) return s.error();
    if (expected_version && *expected_version != current->version)
      return Error::of(ErrorCode::precondition_failed, "If-Match does not match the current version \"" +
                                                           std::to_string(current->version) + "\"");
    json::array changed;
    // Column names come from this fixed list, never from the request.
    const std::pair<const char*, const std::optional<std::string>*> columns[] = {
        {"label", &patch.label},
        {"description", &patch.description},
        {"source", &patch.source},
        {"location", &patch.location},
        {"storage_location", &patch.storage_location}};
    const std::string now = format_utc_micros(audit.at);
    for (const auto& [column, value] : columns) {
      if (!*value) continue;
      sql << std::string("UPDATE evidence_items SET ") + column + " = :v WHERE id = :id::uuid", soci::use(**value, "v"),
          soci::use(id, "id");
      changed.emplace_back(column);
    }
    sql << "UPDATE evidence_items SET version = version + 1, updated_at = CAST(:now AS timestamptz) WHERE id = :id::uuid",
        soci::use(now, "now"), soci::use(id, "id");
    // The changed field names only: the old text may hold what was redacted.
    append_audit(sql, audit_for(audit, "evidence_item", id, {{"changed", changed}}));
    auto item = load_item(sql, id);
    if (!item) return Error::of(ErrorCode::internal, "evidence item vanished");
    return std::move(*item);
  });
}

// ---------------------------------------------------------------------------------------
// Custody

Result<CustodyAppended> PgEvidenceStore::append_custody(const std::string& item_id, const NewCustodyEvent& n,
                                                       const EvidenceStatusDecider& decide,
                                                       const Authorizer& authorize, const AuditEntry& audit,
                                                       const Idempotent<CustodyAppended>* idem) {
  if (!is_uuid(item_id)) return not_found("evidence item");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<CustodyAppended> {
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    int version = 0;
    sql << kLockItemSql, soci::use(item_id, "id"), soci::into(version);
    if (!sql.got_data()) return not_found("evidence item");
    CustodyHead head;
    auto item = load_item(sql, item_id, &head);
    if (!item) return not_found("evidence item");
    if (auto s = authorize(item->access); !s) return s.error();
    auto next_status = decide(item->status);
    if (!next_status) return next_status.error();
    // The current holder is the last event's recipient.
    std::string from;
    {
      auto events = load_events(sql, item_id);
      if (!events.empty()) from = events.back().to;
    }
    CustodyEvent e;
    e.item_id = item_id;
    e.seq = head.seq + 1;
    e.from = from;
    e.to = n.to;
    e.purpose = n.purpose;
    e.at_text = format_utc_micros(n.at);
    e.location = n.location;
    e.recorded_by = n.recorded_by;
    e.prev_hash = head.seq == 0 ? std::string(kCustodyGenesisHash) : head.hash;
    e = append_event(sql, std::move(e));
    long long seq = e.seq;
    const std::string now = format_utc_micros(audit.at);
    sql << kAdvanceSql, soci::use(seq, "seq"), soci::use(e.hash, "hash"), soci::use(*next_status, "status"),
        soci::use(now, "now"), soci::use(item_id, "id");
    append_audit(sql, audit_for(audit, "evidence_item", item_id,
                                {{"custody_event", e.id},
                                 {"seq", e.seq},
                                 {"purpose", e.purpose},
                                 {"from_status", item->status},
                                 {"to_status", *next_status}}));
    auto after = load_item(sql, item_id);
    if (!after) return Error::of(ErrorCode::internal, "evidence item vanished");
    CustodyAppended out{std::move(*after), std::move(e)};
    store_response(sql, idem, out);
    return out;
  });
}

Result<std::vector<CustodyEvent>> PgEvidenceStore::custody(const std::string& item_id) {
  if (!is_uuid(item_id)) return std::vector<CustodyEvent>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load_events(**lease, item_id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<ChainVerification> PgEvidenceStore::verify(const std::string& item_id) {
  if (!is_uuid(item_id)) return not_found("evidence item");
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return verify_in(**lease, item_id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::vector<std::pair<std::string, ChainVerification>>> PgEvidenceStore::verify_all() {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::session& sql = **lease;
    std::vector<std::string> ids;
    {
      soci::rowset<std::string> rows = sql.prepare << kAllItemsSql;
      for (const auto& id : rows) ids.push_back(id);
    }
    std::vector<std::pair<std::string, ChainVerification>> out;
    for (const auto& id : ids) out.emplace_back(id, verify_in(sql, id));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Disclosures

Result<Disclosure> PgEvidenceStore::record_disclosure(const NewDisclosure& n, const Authorizer& authorize,
                                                      const AuditEntry& audit, const Idempotent<Disclosure>* idem) {
  if (!is_uuid(n.case_id)) return not_found("case");
  for (const auto& id : n.item_ids)
    if (!is_uuid(id)) return not_found("evidence item");
  if (!n.prosecution_id.empty() && !is_uuid(n.prosecution_id))
    return Error::invalid("prosecution_id", "no such prosecution in this case");
  auto court_date = CourtCalendar::local_date(n.at);
  if (!court_date) return court_date.error();
  return in_transaction(pool_, [&](soci::session& sql) -> Result<Disclosure> {
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    int one = 0;
    sql << kLockCaseSql, soci::use(n.case_id, "id"), soci::into(one);
    if (!sql.got_data()) return not_found("case");
    auto ctx = case_context(sql, n.case_id);
    if (!ctx) return not_found("case");
    if (auto s = authorize(*ctx); !s) return s.error();
    const std::string ids = pg_array(n.item_ids);
    long long in_case = 0;
    sql << kItemsInCaseSql, soci::use(ids, "ids"), soci::use(n.case_id, "case_id"), soci::into(in_case);
    if (in_case != static_cast<long long>(n.item_ids.size())) return not_found("evidence item");

    std::string prosecution_id = n.prosecution_id;
    if (!prosecution_id.empty()) {
      std::string owner;
      sql << kProsecutionCaseSql, soci::use(prosecution_id, "id"), soci::into(owner);
      if (!sql.got_data() || owner != n.case_id)
        return Error::invalid("prosecution_id", "no such prosecution in this case");
    } else {
      std::vector<std::string> all;
      soci::rowset<std::string> rows = (sql.prepare << kCaseProsecutionsSql, soci::use(n.case_id, "id"));
      for (const auto& id : rows) all.push_back(id);
      if (all.size() == 1) prosecution_id = all.front();
    }

    Disclosure d;
    d.case_id = n.case_id;
    d.prosecution_id = prosecution_id;
    d.to_counsel = n.to_counsel;
    d.at = n.at;
    d.method = n.method;
    d.bates = n.bates;
    d.item_ids = n.item_ids;
    d.override_reason = n.override_reason;
    d.created_by = is_uuid(n.created_by) ? n.created_by : std::string();
    d.created_at = audit.at;
    const std::string at = format_utc_micros(n.at);
    const std::string now = format_utc_micros(audit.at);
    sql << kInsertDisclosureSql, soci::use(n.case_id, "case_id"), soci::use(prosecution_id, "pid"),
        soci::use(n.to_counsel, "to_counsel"), soci::use(at, "at"), soci::use(n.method, "method"),
        soci::use(n.bates, "bates"), soci::use(ids, "ids"), soci::use(n.override_reason, "override"),
        soci::use(d.created_by, "by"), soci::use(now, "now"), soci::into(d.id);

    // PC 1054.7: the disclosure meets the prosecution's open discovery deadline.
    if (!prosecution_id.empty()) {
      std::vector<std::pair<std::string, std::string>> open;
      {
        soci::rowset<soci::row> rows = (sql.prepare << kOpenDiscoverySql, soci::use(prosecution_id, "pid"));
        for (const auto& r : rows) open.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
      }
      const std::string resolved = format_date(*court_date);
      const std::string note = "disclosure made";
      for (const auto& [deadline_id, due] : open) {
        auto due_date = parse_date(due, "due_date");
        const int on_time = due_date && *court_date <= *due_date ? 1 : 0;
        sql << kMeetDeadlineSql, soci::use(on_time, "on_time"), soci::use(resolved, "resolved"),
            soci::use(note, "note"), soci::use(now, "now"), soci::use(deadline_id, "id");
        d.deadlines_met.push_back(deadline_id);
      }
    }
    json::array items, met;
    for (const auto& id : n.item_ids) items.emplace_back(id);
    for (const auto& id : d.deadlines_met) met.emplace_back(id);
    json::object details{{"case_id", n.case_id},
                         {"prosecution_id", prosecution_id},
                         {"item_ids", items},
                         {"method", n.method},
                         {"bates", n.bates},
                         {"deadlines_met", met}};
    if (!n.override_reason.empty()) {
      json::array fields;
      for (const auto& f : n.overridden_fields) fields.emplace_back(f);
      details["override_reason"] = n.override_reason;
      details["overridden_fields"] = std::move(fields);
    }
    append_audit(sql, audit_for(audit, "disclosure", d.id, std::move(details)));
    store_response(sql, idem, d);
    return d;
  });
}

Result<std::vector<Disclosure>> PgEvidenceStore::disclosures(const DisclosureFilter& f) {
  std::vector<Disclosure> out;
  if (!is_uuid(f.case_id)) return out;
  if (!f.prosecution_id.empty() && !is_uuid(f.prosecution_id)) return out;
  if (f.after_at && !is_uuid(f.after_id)) return out;
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    const std::string after_at = f.after_at ? format_utc_micros(*f.after_at) : std::string();
    const std::string after_id = f.after_at ? f.after_id : std::string();
    const int limit = f.limit;
    soci::rowset<soci::row> rows =
        ((*lease)->prepare << std::string(kDisclosureSelect) + kDisclosureListSql, soci::use(f.case_id, "case_id"),
         soci::use(f.prosecution_id, "pid"), soci::use(f.prosecution_id, "pid2"), soci::use(after_at, "after_at"),
         soci::use(after_at, "after_at2"), soci::use(after_id, "after_id"), soci::use(limit, "lim"));
    for (const auto& r : rows) out.push_back(read_disclosure(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Victims' identity values

}  // namespace heat::db
