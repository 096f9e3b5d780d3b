#include "db/case_store.hpp"

#include "db/audit_log.hpp"
#include "db/json_text.hpp"
#include "db/idempotency.hpp"
#include "db/deadline_store.hpp"
#include "db/identity_store.hpp"
#include "db/prepared.hpp"
#include "db/victim_store.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace heat::db {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------
// SQL

constexpr const char* kCaseSelect =
    "SELECT c.id::text, c.da_number, c.title, c.unit, c.referring_agency, c.referral_date::text,"
    " COALESCE(c.lead_dda_id::text, ''), c.version, (extract(epoch FROM c.created_at) * 1000000)::bigint,"
    " COALESCE((SELECT json_agg(d.docket ORDER BY d.docket) FROM case_dockets d WHERE d.case_id = c.id)::text, '[]'),"
    " COALESCE((SELECT json_agg(a.user_id::text ORDER BY a.user_id) FROM case_assignments a"
    " WHERE a.case_id = c.id)::text, '[]')"
    " FROM cases c";
constexpr const char* kLockCaseSql = "SELECT version FROM cases WHERE id = :id::uuid FOR UPDATE";
constexpr const char* kInsertCaseSql =
    "INSERT INTO cases (da_number, title, unit, referring_agency, referral_date, lead_dda_id, created_at, updated_at)"
    " VALUES (:da, :title, :unit, :agency, :rdate::date, NULLIF(:lead, '')::uuid,"
    " to_timestamp(CAST(:us AS double precision) / 1000000), to_timestamp(CAST(:us2 AS double precision) / 1000000))"
    " RETURNING id::text";
constexpr const char* kInsertDocketSql =
    "INSERT INTO case_dockets (case_id, docket, normalized) VALUES (:id::uuid, :docket, :normalized)";
constexpr const char* kInsertAssignmentSql =
    "INSERT INTO case_assignments (case_id, user_id) VALUES (:id::uuid, :user::uuid) ON CONFLICT DO NOTHING";
constexpr const char* kStaffSql = "SELECT role, active::int FROM users WHERE id = :id::uuid";
constexpr const char* kCaseListScope =
    " WHERE (c.unit = :su OR c.lead_dda_id = NULLIF(:me, '')::uuid OR EXISTS (SELECT 1 FROM case_assignments a"
    " WHERE a.case_id = c.id AND a.user_id = NULLIF(:me2, '')::uuid))"
    " AND (:at = '' OR c.lead_dda_id = NULLIF(:at2, '')::uuid OR EXISTS (SELECT 1 FROM case_assignments a"
    " WHERE a.case_id = c.id AND a.user_id = NULLIF(:at3, '')::uuid))"
    " AND (:stage = '' OR EXISTS (SELECT 1 FROM prosecutions p WHERE p.case_id = c.id AND p.stage = :stage2))"
    " AND (:q = '' OR c.da_number ILIKE :ql ESCAPE '\\'"
    " OR (:qn <> '' AND EXISTS (SELECT 1 FROM case_dockets d WHERE d.case_id = c.id AND d.normalized LIKE :qnl))"
    " OR EXISTS (SELECT 1 FROM prosecutions p JOIN persons pe ON pe.id = p.person_id WHERE p.case_id = c.id"
    " AND (pe.name ILIKE :ql2 ESCAPE '\\' OR array_to_string(pe.aliases, ' ') ILIKE :ql3 ESCAPE '\\')))"
    " AND c.da_number > :after ORDER BY c.da_number LIMIT :lim";
constexpr const char* kDefendantsSql =
    "SELECT p.case_id::text, p.id::text, pe.id::text, pe.name, p.stage FROM prosecutions p"
    " JOIN persons pe ON pe.id = p.person_id WHERE p.case_id = ANY(CAST(:ids AS uuid[]))"
    " ORDER BY p.created_at, p.id";

constexpr const char* kProsecutionSelect =
    "SELECT p.id::text, p.case_id::text, pe.id::text, pe.name, pe.dob::text, array_to_json(pe.aliases)::text,"
    " p.stage, p.custody, p.warrant, p.indicted::int, p.time_waived::int, p.trial_date::text,"
    " p.next_appearance::text, p.version, c.unit, COALESCE(c.lead_dda_id::text, ''),"
    // The two lists are put in order here, not by PostgreSQL: an ORDER BY would add a sort to
    // every execution of the hottest read (load_prosecution sorts them).
    " array_to_json(ARRAY(SELECT a.user_id::text FROM case_assignments a WHERE a.case_id = c.id))::text,"
    // The charges in the same statement (one round trip, one snapshot): one JSON array per
    // charge, its ordinal first, then its values as text as they would be read as columns.
    " array_to_json(ARRAY(SELECT json_build_array(ch.ordinal, ch.id::text, ch.statute, ch.count, ch.enhancements,"
    " ch.filed_on::text, ch.offense_date::text, ch.disposition, ch.disposition_date::text, ch.sentence)"
    " FROM charges ch WHERE ch.prosecution_id = p.id))::text"
    " FROM prosecutions p JOIN persons pe ON pe.id = p.person_id JOIN cases c ON c.id = p.case_id"
    " WHERE p.id = :id::uuid";
constexpr const char* kLockProsecutionSql = "SELECT version FROM prosecutions WHERE id = :id::uuid FOR UPDATE";
constexpr const char* kInsertPersonSql =
    "INSERT INTO persons (name, dob, aliases, created_at) VALUES (:name, NULLIF(:dob, '')::date,"
    " ARRAY(SELECT json_array_elements_text(CAST(:aliases AS json))),"
    " to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text";
constexpr const char* kInsertProsecutionSql =
    "INSERT INTO prosecutions (case_id, person_id, created_at, updated_at) VALUES (:case_id::uuid, :person::uuid,"
    " to_timestamp(CAST(:us AS double precision) / 1000000), to_timestamp(CAST(:us2 AS double precision) / 1000000))"
    " RETURNING id::text";
constexpr const char* kInsertChargeSql =
    "INSERT INTO charges (prosecution_id, ordinal, statute, count, enhancements, filed_on, offense_date, created_at)"
    " VALUES (:pid::uuid, (SELECT COALESCE(max(ordinal), 0) + 1 FROM charges WHERE prosecution_id = :pid2::uuid),"
    " :statute, :count, ARRAY(SELECT json_array_elements_text(CAST(:enh AS json))), NULLIF(:filed, '')::date,"
    " NULLIF(:offense, '')::date, to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text";
constexpr const char* kUpdateChargeSql =
    "UPDATE charges SET disposition = :disposition, disposition_date = NULLIF(:ddate, '')::date,"
    " sentence = :sentence WHERE id = :id::uuid";
constexpr const char* kUpdateProjectionSql =
    "UPDATE prosecutions SET stage = :stage, custody = :custody, warrant = :warrant, indicted = (:indicted = 1),"
    " time_waived = (:waived = 1), trial_date = NULLIF(:trial, '')::date, next_appearance = NULLIF(:next, '')::date,"
    " version = version + 1, updated_at = to_timestamp(CAST(:us AS double precision) / 1000000)"
    " WHERE id = :id::uuid";
constexpr const char* kBumpProsecutionSql =
    "UPDATE prosecutions SET version = version + 1, updated_at = to_timestamp(CAST(:us AS double precision) / 1000000)"
    " WHERE id = :id::uuid";
constexpr const char* kAppendTransitionSql =
    "INSERT INTO prosecution_transitions (prosecution_id, seq, event, occurred_at, recorded_at, actor_id, from_stage,"
    " to_stage, fields) VALUES (:pid::uuid, (SELECT COALESCE(max(seq), 0) + 1 FROM prosecution_transitions"
    " WHERE prosecution_id = :pid2::uuid), :event, to_timestamp(CAST(:occ AS double precision) / 1000000),"
    " to_timestamp(CAST(:rec AS double precision) / 1000000), NULLIF(:actor, '')::uuid, :from_stage, :to_stage,"
    " CAST(:fields AS json))";
// Each log row at its effective time: the latest correction's, if any.
constexpr const char* kLatestCorrectionJoin =
    " LEFT JOIN LATERAL (SELECT x.occurred_at, x.reason FROM prosecution_transition_corrections x"
    " WHERE x.transition_id = t.id ORDER BY x.n DESC LIMIT 1) k ON true";
const std::string kHistorySql =
    std::string("SELECT t.seq, t.event, (extract(epoch FROM COALESCE(k.occurred_at, t.occurred_at)) * 1000000)::bigint,"
                " (extract(epoch FROM t.recorded_at) * 1000000)::bigint, COALESCE(t.actor_id::text, ''),"
                " COALESCE(u.username, ''), t.from_stage, t.to_stage, t.fields::text,"
                " CASE WHEN k.occurred_at IS NULL THEN -1 ELSE (extract(epoch FROM t.occurred_at) * 1000000)::bigint END,"
                " COALESCE(k.reason, '') FROM prosecution_transitions t LEFT JOIN users u ON u.id = t.actor_id") +
    kLatestCorrectionJoin + " WHERE t.prosecution_id = :id::uuid ORDER BY t.seq";
const std::string kTransitionTimesSql =
    std::string("SELECT t.id::text, t.seq, t.event, (extract(epoch FROM COALESCE(k.occurred_at, t.occurred_at))"
                " * 1000000)::bigint, t.fields::text FROM prosecution_transitions t") +
    kLatestCorrectionJoin + " WHERE t.prosecution_id = :id::uuid ORDER BY t.seq";
constexpr const char* kInsertCorrectionSql =
    "INSERT INTO prosecution_transition_corrections (transition_id, prosecution_id, previous_occurred_at, occurred_at,"
    " reason, actor_id, recorded_at, deadlines_recomputed) VALUES (:tid::uuid, :pid::uuid,"
    " to_timestamp(CAST(:prev AS double precision) / 1000000), to_timestamp(CAST(:occ AS double precision) / 1000000),"
    " :reason, NULLIF(:actor, '')::uuid, to_timestamp(CAST(:rec AS double precision) / 1000000), :n)";
constexpr const char* kFindKeySql =
    "SELECT method, path, request_hash, response_status, response_body FROM idempotency_keys"
    " WHERE user_id = :user::uuid AND key = :key";

// ---------------------------------------------------------------------------------------
// Reading rows

std::optional<std::chrono::sys_days> date_column(const PreparedRow& r, std::size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return std::nullopt;
  auto d = parse_date(r.get<std::string>(i), "date");
  if (!d) return std::nullopt;
  return *d;
}

std::string date_text(const std::optional<std::chrono::sys_days>& d) { return d ? format_date(*d) : std::string(); }

Case read_case(const soci::row& r) {
  Case c;
  c.id = r.get<std::string>(0);
  c.da_number = r.get<std::string>(1);
  c.title = r.get<std::string>(2);
  c.unit = r.get<std::string>(3);
  c.referring_agency = r.get<std::string>(4);
  c.referral_date = parse_date(r.get<std::string>(5), "referral_date").value();
  c.lead_dda_id = r.get<std::string>(6);
  c.version = r.get<int>(7);
  c.created_at = from_epoch_micros(r.get<long long>(8));
  c.dockets = string_array(r.get<std::string>(9));
  c.assigned_dda_ids = string_array(r.get<std::string>(10));
  return c;
}

std::optional<Case> load_case(soci::session& sql, const std::string& id) {
  soci::rowset<soci::row> rows = (sql.prepare << std::string(kCaseSelect) + " WHERE c.id = :id::uuid",
                                  soci::use(id, "id"));
  for (const auto& r : rows) return read_case(r);
  return std::nullopt;
}

// A date written as text in a JSON value (null or anything else: none).
std::optional<std::chrono::sys_days> json_date(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  auto d = parse_date(std::string(v.get_string()), "date");
  if (!d) return std::nullopt;
  return *d;
}

// The charges column of kProsecutionSelect: [[ordinal, id, statute, count, [enhancements],
// filed_on, offense_date, disposition, disposition_date, sentence], ...] in any order; returned
// in the order they were filed (ordinal).
std::vector<Charge> read_charges(const std::string& json_text) {
  const json::value parsed = json::parse(json_text);
  const json::array& rows = parsed.as_array();
  std::vector<std::pair<std::int64_t, Charge>> numbered;
  numbered.reserve(rows.size());
  for (const json::value& row : rows) {
    const json::array& a = row.as_array();
    if (a.size() != 10) throw std::runtime_error("charges: unexpected row shape");
    Charge c;
    c.id = std::string(a[1].as_string());
    c.statute = std::string(a[2].as_string());
    c.count = static_cast<int>(a[3].to_number<std::int64_t>());
    if (a[4].is_array())
      for (const json::value& e : a[4].get_array())
        if (e.is_string()) c.enhancements.emplace_back(e.get_string());
    c.filed_on = json_date(a[5]);
    c.offense_date = json_date(a[6]);
    c.disposition = parse_disposition(std::string(a[7].as_string())).value();
    c.disposition_date = json_date(a[8]);
    if (a[9].is_string()) c.sentence = std::string(a[9].get_string());
    numbered.emplace_back(a[0].to_number<std::int64_t>(), std::move(c));
  }
  std::sort(numbered.begin(), numbered.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<Charge> out;
  out.reserve(numbered.size());
  for (auto& [ordinal, c] : numbered) out.push_back(std::move(c));
  return out;
}

std::optional<ProsecutionRecord> load_prosecution(soci::session& sql, const std::string& id) {
  std::optional<ProsecutionRecord> out;
  for (const auto& r : exec_prepared(sql, kProsecutionSelect, {id})) {
    ProsecutionRecord p;
    p.id = r.get<std::string>(0);
    p.case_id = r.get<std::string>(1);
    p.person.id = r.get<std::string>(2);
    p.person.name = r.get<std::string>(3);
    p.person.dob = date_column(r, 4);
    p.person.aliases = string_array(r.get<std::string>(5));
    p.snapshot.stage = parse_stage(r.get<std::string>(6)).value();
    p.snapshot.custody = parse_custody(r.get<std::string>(7)).value();
    p.snapshot.warrant = parse_warrant(r.get<std::string>(8)).value();
    p.snapshot.indicted = r.get<int>(9) != 0;
    p.snapshot.time_waived = r.get<int>(10) != 0;
    p.snapshot.trial_date = date_column(r, 11);
    p.snapshot.next_appearance = date_column(r, 12);
    p.version = r.get<int>(13);
    p.access.unit = r.get<std::string>(14);
    p.access.lead_dda_id = r.get<std::string>(15);
    // Canonical UUID text sorts as the uuids do (fixed width, lower-case hex).
    p.access.assigned_dda_ids = string_array(r.get<std::string>(16));
    std::sort(p.access.assigned_dda_ids.begin(), p.access.assigned_dda_ids.end());
    p.snapshot.charges = read_charges(r.get<std::string>(17));
    out = std::move(p);
    break;
  }
  return out;
}

// A prosecution as V0015's read model stores it: prosecution_read_record()'s JSON object, with
// the field names of ProsecutionRecord (assigned DDAs sorted, charges in filing order).
constexpr const char* kProsecutionReadSql =
    "SELECT record FROM prosecution_reads WHERE prosecution_id = :id::uuid";

std::string json_text(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : std::string(); }

std::vector<std::string> json_strings(const json::value& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const json::value& e : v.get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

ProsecutionRecord read_prosecution_record(const std::string& text) {
  const json::value parsed = json::parse(text);
  const json::object& o = parsed.as_object();
  ProsecutionRecord p;
  p.id = json_text(o.at("id"));
  p.case_id = json_text(o.at("case_id"));
  const json::object& person = o.at("person").as_object();
  p.person.id = json_text(person.at("id"));
  p.person.name = json_text(person.at("name"));
  p.person.dob = json_date(person.at("dob"));
  p.person.aliases = json_strings(person.at("aliases"));
  p.snapshot.stage = parse_stage(json_text(o.at("stage"))).value();
  p.snapshot.custody = parse_custody(json_text(o.at("custody"))).value();
  p.snapshot.warrant = parse_warrant(json_text(o.at("warrant"))).value();
  p.snapshot.indicted = o.at("indicted").as_bool();
  p.snapshot.time_waived = o.at("time_waived").as_bool();
  p.snapshot.trial_date = json_date(o.at("trial_date"));
  p.snapshot.next_appearance = json_date(o.at("next_appearance"));
  p.version = static_cast<int>(o.at("version").to_number<std::int64_t>());
  p.access.unit = json_text(o.at("unit"));
  p.access.lead_dda_id = json_text(o.at("lead_dda_id"));  // null: no lead, ""
  p.access.assigned_dda_ids = json_strings(o.at("assigned_dda_ids"));
  for (const json::value& row : o.at("charges").as_array()) {
    const json::object& ch = row.as_object();
    Charge c;
    c.id = json_text(ch.at("id"));
    c.statute = json_text(ch.at("statute"));
    c.count = static_cast<int>(ch.at("count").to_number<std::int64_t>());
    c.enhancements = json_strings(ch.at("enhancements"));
    c.filed_on = json_date(ch.at("filed_on"));
    c.offense_date = json_date(ch.at("offense_date"));
    c.disposition = parse_disposition(json_text(ch.at("disposition"))).value();
    c.disposition_date = json_date(ch.at("disposition_date"));
    if (ch.at("sentence").is_string()) c.sentence = std::string(ch.at("sentence").get_string());
    p.snapshot.charges.push_back(std::move(c));
  }
  return p;
}

// ---------------------------------------------------------------------------------------
// Writing

Error not_found(const char* what) { return Error::of(ErrorCode::not_found, std::string("no such ") + what); }

Error stale(int expected, int actual) {
  return Error::of(ErrorCode::precondition_failed, "If-Match \"" + std::to_string(expected) +
                                                       "\" does not match the current version \"" +
                                                       std::to_string(actual) + "\"");
}

// The lead or an assigned DDA must be an active DDA or supervisor.
Status check_staff(soci::session& sql, const std::string& user_id, const std::string& field) {
  if (!is_uuid(user_id)) return Error::invalid(field, "must be a user id");
  std::string role;
  int active = 0;
  soci::indicator ind = soci::i_null;
  sql << kStaffSql, soci::use(user_id, "id"), soci::into(role, ind), soci::into(active);
  if (!sql.got_data() || ind != soci::i_ok) return Error::invalid(field, "no such user");
  if (active == 0) return Error::invalid(field, "the user is disabled");
  if (role != "dda" && role != "supervisor") return Error::invalid(field, "must be a DDA or supervisor");
  return {};
}

// Locks the prosecutions of the (already locked) cases, in id order, before anything else is
// written: a change to a case refreshes its prosecutions' read model (V0015), which locks them.
// Taken later, while this transaction already holds rows that the triggers of an event or a
// new charge also write (the metrics, the audit chain's lock), that wait would be one half of
// a deadlock with such a writer, which locks its prosecution first.
void lock_prosecutions_of(soci::session& sql, const std::vector<std::string>& case_ids) {
  if (case_ids.empty()) return;
  const std::string array = pg_array(case_ids);
  long long locked = 0;
  sql << "SELECT count(*) FROM (SELECT 1 FROM prosecutions WHERE case_id = ANY(CAST(:ids AS uuid[]))"
         " ORDER BY id FOR NO KEY UPDATE) locked",
      soci::use(array, "ids"), soci::into(locked);
}

Status write_dockets(soci::session& sql, const std::string& case_id, const std::vector<std::string>& dockets) {
  std::vector<std::string> seen;
  for (const auto& d : dockets) {
    const std::string normalized = normalize_docket(d);
    if (normalized.empty()) return Error::invalid("dockets", "a docket needs letters or digits");
    if (std::find(seen.begin(), seen.end(), normalized) != seen.end())
      return Error::invalid("dockets", "docket listed twice: " + d);
    seen.push_back(normalized);
    sql << kInsertDocketSql, soci::use(case_id, "id"), soci::use(d, "docket"), soci::use(normalized, "normalized");
  }
  return {};
}

void append_transition(soci::session& sql, const std::string& prosecution_id, const std::string& event,
                       TimePoint occurred_at, TimePoint recorded_at, const std::string& actor_id, Stage from, Stage to,
                       const std::string& fields) {
  const long long occ = to_epoch_micros(occurred_at);
  const long long rec = to_epoch_micros(recorded_at);
  const std::string from_stage = to_string(from);
  const std::string to_stage = to_string(to);
  const std::string actor = is_uuid(actor_id) ? actor_id : std::string();
  exec_prepared(sql, kAppendTransitionSql,
        {prosecution_id, prosecution_id, event, std::to_string(occ), std::to_string(rec), actor, from_stage, to_stage,
         fields});
}

void write_charge(soci::session& sql, const Charge& c) {
  const std::string disposition = to_string(c.disposition);
  const std::string ddate = date_text(c.disposition_date);
  soci::indicator sentence_ind = c.sentence ? soci::i_ok : soci::i_null;
  const std::string sentence = c.sentence.value_or("");
  sql << kUpdateChargeSql, soci::use(disposition, "disposition"), soci::use(ddate, "ddate"),
      soci::use(sentence, sentence_ind, "sentence"), soci::use(c.id, "id");
}

void bump_version(soci::session& sql, const std::string& prosecution_id, TimePoint now) {
  const long long us = to_epoch_micros(now);
  sql << kBumpProsecutionSql, soci::use(us, "us"), soci::use(prosecution_id, "id");
}

AuditEntry audit_for(const AuditEntry& base, const std::string& entity, const std::string& id, json::object details) {
  AuditEntry a = base;
  a.entity = entity;
  a.entity_id = id;
  a.details = json::serialize(details);
  return a;
}

std::string charge_fields(const Charge& c) {
  return "{\"charge\":" + charge_to_json_text(c) + "}";
}

// Locks a prosecution and loads it with its counts; not_found when absent.
Result<ProsecutionRecord> lock_prosecution(soci::session& sql, const std::string& id) {
  if (!is_uuid(id)) return not_found("prosecution");
  if (exec_prepared(sql, kLockProsecutionSql, {id}).empty()) return not_found("prosecution");
  auto p = load_prosecution(sql, id);
  if (!p) return not_found("prosecution");
  return std::move(*p);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Cases

Result<Case> PgCaseStore::create_case(const NewCase& nc, const AuditEntry& audit, const Idempotent<Case>* idem) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<Case> {
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    if (!nc.lead_dda_id.empty())
      if (auto s = check_staff(sql, nc.lead_dda_id, "lead_dda_id"); !s) return s.error();
    const std::string rdate = format_date(nc.referral_date);
    const long long us = to_epoch_micros(audit.at);
    std::string id;
    sql << kInsertCaseSql, soci::use(nc.da_number, "da"), soci::use(nc.title, "title"), soci::use(nc.unit, "unit"),
        soci::use(nc.referring_agency, "agency"), soci::use(rdate, "rdate"), soci::use(nc.lead_dda_id, "lead"),
        soci::use(us, "us"), soci::use(us, "us2"), soci::into(id);
    if (auto s = write_dockets(sql, id, nc.dockets); !s) return s.error();
    append_audit(sql, audit_for(audit, "case", id, {{"da_number", nc.da_number}, {"unit", nc.unit}}));
    auto c = load_case(sql, id);
    if (!c) return Error::of(ErrorCode::internal, "created case not found");
    store_response(sql, idem, *c);
    return std::move(*c);
  });
}

Result<std::optional<Case>> PgCaseStore::get_case(const std::string& id) {
  if (!is_uuid(id)) return std::optional<Case>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load_case(**lease, id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::vector<Case>> PgCaseStore::list_cases(const CaseFilter& f) {
  if (!f.assigned_to.empty() && !is_uuid(f.assigned_to)) return std::vector<Case>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::session& sql = **lease;
    const std::string me = is_uuid(f.scope_user_id) ? f.scope_user_id : std::string();
    const std::string stage = f.stage ? to_string(*f.stage) : "";
    std::string escaped;
    for (char ch : f.q) {
      if (ch == '%' || ch == '_' || ch == '\\') escaped += '\\';
      escaped += ch;
    }
    const std::string qlike = "%" + escaped + "%";
    const std::string qn = normalize_docket(f.q);
    const std::string qnlike = "%" + qn + "%";
    const int limit = f.limit;
    std::vector<Case> out;
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << std::string(kCaseSelect) + kCaseListScope, soci::use(f.scope_unit, "su"),
           soci::use(me, "me"), soci::use(me, "me2"), soci::use(f.assigned_to, "at"),
           soci::use(f.assigned_to, "at2"), soci::use(f.assigned_to, "at3"), soci::use(stage, "stage"),
           soci::use(stage, "stage2"), soci::use(f.q, "q"), soci::use(qlike, "ql"), soci::use(qn, "qn"),
           soci::use(qnlike, "qnl"), soci::use(qlike, "ql2"), soci::use(qlike, "ql3"),
           soci::use(f.after_da_number, "after"), soci::use(limit, "lim"));
      for (const auto& r : rows) out.push_back(read_case(r));
    }
    if (out.empty()) return out;
    std::vector<std::string> case_ids;
    for (const Case& c : out) case_ids.push_back(c.id);
    const std::string ids = pg_array(case_ids);
    soci::rowset<soci::row> rows = (sql.prepare << kDefendantsSql, soci::use(ids, "ids"));
    for (const auto& r : rows) {
      const std::string case_id = r.get<std::string>(0);
      auto it = std::find_if(out.begin(), out.end(), [&](const Case& c) { return c.id == case_id; });
      if (it == out.end()) continue;
      it->defendants.push_back({r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                                parse_stage(r.get<std::string>(4)).value()});
    }
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<Case> PgCaseStore::patch_case(const std::string& id, std::optional<int> expected_version,
                                     const CasePatch& patch, const Authorizer& authorize, const AuditEntry& audit) {
  if (!is_uuid(id)) return not_found("case");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<Case> {
    int version = 0;
    sql << kLockCaseSql, soci::use(id, "id"), soci::into(version);
    if (!sql.got_data()) return not_found("case");
    if (patch.lead_dda_id || patch.assigned_dda_ids) lock_prosecutions_of(sql, {id});
    auto current = load_case(sql, id);
    if (!current) return not_found("case");
    if (auto s = authorize(current->context()); !s) return s.error();
    if (expected_version && *expected_version != current->version) return stale(*expected_version, current->version);
    json::array changed;
    if (patch.title) {
      sql << "UPDATE cases SET title = :v WHERE id = :id::uuid", soci::use(*patch.title, "v"), soci::use(id, "id");
      changed.emplace_back("title");
    }
    if (patch.referring_agency) {
      sql << "UPDATE cases SET referring_agency = :v WHERE id = :id::uuid", soci::use(*patch.referring_agency, "v"),
          soci::use(id, "id");
      changed.emplace_back("referring_agency");
    }
    if (patch.referral_date) {
      const std::string d = format_date(*patch.referral_date);
      sql << "UPDATE cases SET referral_date = :v::date WHERE id = :id::uuid", soci::use(d, "v"), soci::use(id, "id");
      changed.emplace_back("referral_date");
    }
    if (patch.lead_dda_id) {
      if (!patch.lead_dda_id->empty())
        if (auto s = check_staff(sql, *patch.lead_dda_id, "lead_dda_id"); !s) return s.error();
      sql << "UPDATE cases SET lead_dda_id = NULLIF(:v, '')::uuid WHERE id = :id::uuid",
          soci::use(*patch.lead_dda_id, "v"), soci::use(id, "id");
      changed.emplace_back("lead_dda_id");
    }
    if (patch.dockets) {
      sql << "DELETE FROM case_dockets WHERE case_id = :id::uuid", soci::use(id, "id");
      if (auto s = write_dockets(sql, id, *patch.dockets); !s) return s.error();
      changed.emplace_back("dockets");
    }
    if (patch.assigned_dda_ids) {
      sql << "DELETE FROM case_assignments WHERE case_id = :id::uuid", soci::use(id, "id");
      for (const auto& user : *patch.assigned_dda_ids) {
        if (auto s = check_staff(sql, user, "assigned_dda_ids"); !s) return s.error();
        sql << kInsertAssignmentSql, soci::use(id, "id"), soci::use(user, "user");
      }
      changed.emplace_back("assigned_dda_ids");
    }
    const long long us = to_epoch_micros(audit.at);
    sql << "UPDATE cases SET version = version + 1, updated_at = to_timestamp(CAST(:us AS double precision) / 1000000)"
           " WHERE id = :id::uuid",
        soci::use(us, "us"), soci::use(id, "id");
    append_audit(sql, audit_for(audit, "case", id, {{"changed", changed}}));
    auto after = load_case(sql, id);
    if (!after) return not_found("case");
    return std::move(*after);
  });
}

Result<ReassignResult> PgCaseStore::reassign(const ReassignRequest& r, const Authorizer& authorize,
                                             const AuditEntry& audit, const Idempotent<ReassignResult>* idem) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ReassignResult> {
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    if (!is_uuid(r.from_dda_id)) return Error::invalid("from_dda_id", "must be a user id");
    if (auto s = check_staff(sql, r.to_dda_id, "to_dda_id"); !s) return s.error();
    // The cases to move, locked in DA-number order (a fixed order, so two moves never deadlock).
    std::vector<std::string> ids;
    const bool named = !r.case_ids.empty();
    if (named) {
      for (const auto& id : r.case_ids) {
        if (!is_uuid(id)) return not_found("case");
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
      const std::string array = pg_array(ids);
      std::vector<std::string> locked;
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT id::text FROM cases WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY da_number FOR UPDATE",
           soci::use(array, "ids"));
      for (const auto& row : rows) locked.push_back(row.get<std::string>(0));
      if (locked.size() != ids.size()) return not_found("case");
      ids = std::move(locked);
    } else {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT id::text FROM cases WHERE lead_dda_id = :from::uuid ORDER BY da_number FOR UPDATE",
           soci::use(r.from_dda_id, "from"));
      for (const auto& row : rows) ids.push_back(row.get<std::string>(0));
    }
    lock_prosecutions_of(sql, ids);
    ReassignResult result;
    const long long us = to_epoch_micros(audit.at);
    for (const auto& id : ids) {
      auto c = load_case(sql, id);
      if (!c) return not_found("case");
      if (auto s = authorize(c->context()); !s) {
        if (named) return s.error();
        continue;  // beyond the caller's reach: not part of "every case"
      }
      if (c->lead_dda_id != r.from_dda_id)
        return Error::of(ErrorCode::domain_rule, "case " + c->da_number + " is not led by from_dda_id");
      sql << "UPDATE cases SET lead_dda_id = :to::uuid, version = version + 1,"
             " updated_at = to_timestamp(CAST(:us AS double precision) / 1000000) WHERE id = :id::uuid",
          soci::use(r.to_dda_id, "to"), soci::use(us, "us"), soci::use(id, "id");
      // The new lead leaves the assigned list; the old one is not kept on it.
      sql << "DELETE FROM case_assignments WHERE case_id = :id::uuid AND user_id IN (:from::uuid, :to::uuid)",
          soci::use(id, "id"), soci::use(r.from_dda_id, "from"), soci::use(r.to_dda_id, "to");
      append_audit(sql, audit_for(audit, "case", id,
                                  {{"from_dda_id", r.from_dda_id}, {"to_dda_id", r.to_dda_id}}));
      result.case_ids.push_back(id);
    }
    store_response(sql, idem, result);
    return result;
  });
}

// ---------------------------------------------------------------------------------------
// Prosecutions and charges

Result<ProsecutionRecord> PgCaseStore::create_prosecution(const NewProsecution& np, const Authorizer& authorize,
                                                          const AuditEntry& audit,
                                                          const Idempotent<ProsecutionRecord>* idem) {
  if (!is_uuid(np.case_id)) return not_found("case");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ProsecutionRecord> {
    int version = 0;
    sql << "SELECT version FROM cases WHERE id = :id::uuid FOR SHARE", soci::use(np.case_id, "id"),
        soci::into(version);
    if (!sql.got_data()) return not_found("case");
    auto c = load_case(sql, np.case_id);
    if (!c) return not_found("case");
    if (auto s = authorize(c->context()); !s) return s.error();
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    const long long us = to_epoch_micros(audit.at);
    std::string person_id;
    if (np.person_id) {
      if (!is_uuid(*np.person_id)) return Error::invalid("person_id", "no such person");
      int found = 0;
      sql << "SELECT 1 FROM persons WHERE id = :id::uuid", soci::use(*np.person_id, "id"), soci::into(found);
      if (found != 1) return Error::invalid("person_id", "no such person");
      person_id = *np.person_id;
    } else {
      const std::string dob = date_text(np.person.dob);
      const std::string aliases = json_array_text(np.person.aliases);
      sql << kInsertPersonSql, soci::use(np.person.name, "name"), soci::use(dob, "dob"),
          soci::use(aliases, "aliases"), soci::use(us, "us"), soci::into(person_id);
    }
    std::string id;
    sql << kInsertProsecutionSql, soci::use(np.case_id, "case_id"), soci::use(person_id, "person"),
        soci::use(us, "us"), soci::use(us, "us2"), soci::into(id);
    append_audit(sql, audit_for(audit, "prosecution", id, {{"case_id", np.case_id}, {"person_id", person_id}}));
    auto p = load_prosecution(sql, id);
    if (!p) return Error::of(ErrorCode::internal, "created prosecution not found");
    store_response(sql, idem, *p);
    return std::move(*p);
  });
}

Result<std::optional<ProsecutionRecord>> PgCaseStore::get_prosecution(const std::string& id) {
  if (!is_uuid(id)) return std::optional<ProsecutionRecord>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    // One row of the read model, kept by triggers in the writing transactions (V0015).
    for (const auto& r : exec_prepared(**lease, kProsecutionReadSql, {id}))
      return std::optional<ProsecutionRecord>(read_prosecution_record(r.get<std::string>(0)));
    // No row: no such prosecution, or one loaded in bulk before its rebuild. The base tables
    // answer either way.
    return load_prosecution(**lease, id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::optional<std::string>> PgCaseStore::prosecution_of_charge(const std::string& charge_id) {
  if (!is_uuid(charge_id)) return std::optional<std::string>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::string pid;
    **lease << "SELECT prosecution_id::text FROM charges WHERE id = :id::uuid", soci::use(charge_id, "id"),
        soci::into(pid);
    if (!(*lease)->got_data()) return std::optional<std::string>();
    return std::optional<std::string>(pid);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<ProsecutionRecord> PgCaseStore::add_charge(const std::string& prosecution_id, const NewCharge& nc,
                                                  TimePoint occurred_at, const Authorizer& authorize,
                                                  const AuditEntry& audit, std::string& new_charge_id,
                                                  const Idempotent<ProsecutionRecord>* idem) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ProsecutionRecord> {
    auto p = lock_prosecution(sql, prosecution_id);
    if (!p) return p.error();
    if (auto s = authorize(p->access); !s) return s.error();
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    int count = nc.count.value_or(1);
    if (!nc.count)
      for (const auto& c : p->snapshot.charges) count = std::max(count, c.count + 1);
    const std::string enh = json_array_text(nc.enhancements);
    const std::string filed = format_date(nc.filed_on);
    const std::string offense = date_text(nc.offense_date);
    const long long us = to_epoch_micros(audit.at);
    std::string id;
    sql << kInsertChargeSql, soci::use(prosecution_id, "pid"), soci::use(prosecution_id, "pid2"),
        soci::use(nc.statute, "statute"), soci::use(count, "count"), soci::use(enh, "enh"),
        soci::use(filed, "filed"), soci::use(offense, "offense"), soci::use(us, "us"), soci::into(id);
    Charge c;
    c.id = id;
    c.statute = nc.statute;
    c.count = count;
    c.enhancements = nc.enhancements;
    c.filed_on = nc.filed_on;
    c.offense_date = nc.offense_date;
    append_transition(sql, prosecution_id, kAddChargeEvent, occurred_at, audit.at, audit.actor_id, p->snapshot.stage,
                      p->snapshot.stage, charge_fields(c));
    bump_version(sql, prosecution_id, audit.at);
    append_audit(sql, audit_for(audit, "charge", id,
                                {{"prosecution_id", prosecution_id}, {"statute", nc.statute}, {"count", count}}));
    auto after = load_prosecution(sql, prosecution_id);
    if (!after) return not_found("prosecution");
    new_charge_id = id;
    store_response(sql, idem, *after);
    return std::move(*after);
  });
}

Result<ProsecutionRecord> PgCaseStore::patch_charge(const std::string& charge_id, std::optional<int> expected_version,
                                                    const ChargePatch& patch, TimePoint occurred_at,
                                                    const Authorizer& authorize, const AuditEntry& audit) {
  auto pid = prosecution_of_charge(charge_id);
  if (!pid) return pid.error();
  if (!*pid) return not_found("charge");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ProsecutionRecord> {
    auto p = lock_prosecution(sql, **pid);
    if (!p) return p.error();
    if (auto s = authorize(p->access); !s) return s.error();
    if (expected_version && *expected_version != p->version) return stale(*expected_version, p->version);
    auto it = std::find_if(p->snapshot.charges.begin(), p->snapshot.charges.end(),
                           [&](const Charge& c) { return c.id == charge_id; });
    if (it == p->snapshot.charges.end()) return not_found("charge");
    Charge c = *it;
    json::array changed;
    if (patch.disposition) {
      c.disposition = *patch.disposition;
      changed.emplace_back("disposition");
    }
    if (patch.disposition_date) {
      c.disposition_date = *patch.disposition_date;
      changed.emplace_back("disposition_date");
    }
    if (patch.sentence) {
      c.sentence = *patch.sentence;
      changed.emplace_back("sentence");
    }
    write_charge(sql, c);
    append_transition(sql, p->id, kUpdateChargeEvent, occurred_at, audit.at, audit.actor_id, p->snapshot.stage,
                      p->snapshot.stage, charge_fields(c));
    bump_version(sql, p->id, audit.at);
    append_audit(sql, audit_for(audit, "charge", charge_id, {{"prosecution_id", p->id}, {"changed", changed}}));
    auto after = load_prosecution(sql, p->id);
    if (!after) return not_found("prosecution");
    return std::move(*after);
  });
}

Result<ProsecutionRecord> PgCaseStore::apply_event(const std::string& prosecution_id,
                                                   std::optional<int> expected_version, const EventDecider& decide,
                                                   const Authorizer& authorize, const AuditEntry& audit,
                                                   const Idempotent<ProsecutionRecord>* idem) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ProsecutionRecord> {
    // The row lock serializes events on one prosecution; the version is compared under it,
    // before anything else is looked at, so of two events with one If-Match one gets 412.
    auto p = lock_prosecution(sql, prosecution_id);
    if (!p) return p.error();
    if (auto s = authorize(p->access); !s) return s.error();
    if (expected_version && *expected_version != p->version) return stale(*expected_version, p->version);
    auto outcome = decide(p->snapshot);
    if (!outcome) return outcome.error();
    // Marsy's Law: no plea or dismissal before each linked victim has conferred (or a waiver).
    if (auto s = check_victim_conferral(sql, prosecution_id, outcome->event); !s) return s.error();
    if (auto s = claim_key(sql, idem, audit.at); !s) return s.error();
    const ProsecutionSnapshot& after = outcome->after;
    append_transition(sql, prosecution_id, outcome->event, outcome->occurred_at, audit.at, audit.actor_id,
                      outcome->from, outcome->to, outcome->fields);
    const std::string stage = to_string(after.stage);
    const std::string custody = to_string(after.custody);
    const std::string warrant = to_string(after.warrant);
    const int indicted = after.indicted ? 1 : 0;
    const int waived = after.time_waived ? 1 : 0;
    const std::string trial = date_text(after.trial_date);
    const std::string next = date_text(after.next_appearance);
    const long long us = to_epoch_micros(audit.at);
    exec_prepared(sql, kUpdateProjectionSql,
          {stage, custody, warrant, std::to_string(indicted), std::to_string(waived), trial, next, std::to_string(us),
           prosecution_id});
    for (const auto& c : after.charges) {
      const Charge* before = p->snapshot.find_charge(c.id);
      if (before == nullptr || !(*before == c)) write_charge(sql, c);
    }
    // The deadlines the event creates, meets, tolls or supersedes commit with it.
    if (auto s = record_event_deadlines(sql, prosecution_id, outcome->event, outcome->occurred_at, p->snapshot, after,
                                        audit.at);
        !s)
      return s.error();
    // Advocates hear at once of a release or a warrant, with the event that caused it.
    queue_advocate_alerts(sql, prosecution_id, outcome->event, outcome->occurred_at, audit.at);
    append_audit(sql, audit_for(audit, "prosecution", prosecution_id,
                                {{"event", outcome->event},
                                 {"from_stage", to_string(outcome->from)},
                                 {"to_stage", to_string(outcome->to)},
                                 {"version", p->version + 1}}));
    auto stored = load_prosecution(sql, prosecution_id);
    if (!stored) return not_found("prosecution");
    store_response(sql, idem, *stored);
    return std::move(*stored);
  });
}

Result<EventTimeCorrection> PgCaseStore::correct_event_time(const std::string& prosecution_id, int seq,
                                                            TimePoint occurred_at, const std::string& reason,
                                                            std::optional<int> expected_version,
                                                            const Authorizer& authorize, const AuditEntry& audit) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error::invalid("reason", "say why the time entered was wrong");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<EventTimeCorrection> {
    auto p = lock_prosecution(sql, prosecution_id);
    if (!p) return p.error();
    if (auto s = authorize(p->access); !s) return s.error();
    if (expected_version && *expected_version != p->version) return stale(*expected_version, p->version);
    struct Logged {
      std::string id;
      int seq;
      std::string event;
      TimePoint at;
      std::string fields;
    };
    std::vector<Logged> log;
    soci::rowset<soci::row> rows = (sql.prepare << kTransitionTimesSql, soci::use(prosecution_id, "id"));
    for (const auto& r : rows)
      log.push_back({r.get<std::string>(0), r.get<int>(1), r.get<std::string>(2),
                     from_epoch_micros(r.get<long long>(3)), r.get<std::string>(4)});
    auto target = std::find_if(log.begin(), log.end(), [&](const Logged& l) { return l.seq == seq; });
    if (target == log.end()) return not_found("event");
    auto is_count_entry = [](const Logged& l) { return l.event == kAddChargeEvent || l.event == kUpdateChargeEvent; };
    if (is_count_entry(*target))
      return Error::of(ErrorCode::domain_rule, "seq " + std::to_string(seq) + " records a count, not a lifecycle event;"
                                               " correct a count's dates with PATCH /api/v1/charges/{id}");
    // The lifecycle stays in the order it happened: the corrected time may not pass a neighbour.
    for (auto it = log.begin(); it != log.end(); ++it) {
      if (it == target || is_count_entry(*it)) continue;
      if (it->seq < seq && occurred_at < it->at)
        return Error::of(ErrorCode::domain_rule, "the corrected time is before " + it->event + " (seq " +
                                                     std::to_string(it->seq) + ", " + format_utc_micros(it->at) +
                                                     "), which was logged before this event");
      if (it->seq > seq && occurred_at > it->at)
        return Error::of(ErrorCode::domain_rule, "the corrected time is after " + it->event + " (seq " +
                                                     std::to_string(it->seq) + ", " + format_utc_micros(it->at) +
                                                     "), which was logged after this event");
    }
    auto previous_date = CourtCalendar::local_date(target->at);
    auto corrected_date = CourtCalendar::local_date(occurred_at);
    auto today = CourtCalendar::local_date(audit.at);
    if (!previous_date || !corrected_date || !today) return Error::invalid("occurred_at", "outside the supported years");
    TriggerCorrection correction;
    correction.event = target->event;
    correction.previous_at = target->at;
    correction.corrected_at = occurred_at;
    correction.previous_date = *previous_date;
    correction.corrected_date = *corrected_date;
    correction.today = *today;
    correction.reason = reason;
    boost::system::error_code ec;
    json::value fields = json::parse(target->fields, ec);
    const bool has_next_appearance = !ec && fields.is_object() && fields.as_object().contains("next_appearance") &&
                                     !fields.as_object().at("next_appearance").is_null();
    correction.counts_from_field =
        target->event == "set_trial_date" || (target->event == "clear_warrant" && has_next_appearance);
    auto recomputed = correct_event_deadlines(sql, prosecution_id, correction, audit.at);
    if (!recomputed) return recomputed.error();
    const long long prev = to_epoch_micros(target->at);
    const long long occ = to_epoch_micros(occurred_at);
    const long long rec = to_epoch_micros(audit.at);
    const std::string actor = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
    const int n = static_cast<int>(recomputed->size());
    sql << kInsertCorrectionSql, soci::use(target->id, "tid"), soci::use(prosecution_id, "pid"),
        soci::use(prev, "prev"), soci::use(occ, "occ"), soci::use(reason, "reason"), soci::use(actor, "actor"),
        soci::use(rec, "rec"), soci::use(n, "n");
    bump_version(sql, prosecution_id, audit.at);
    json::array ids;
    for (const auto& id : *recomputed) ids.emplace_back(id);
    append_audit(sql, audit_for(audit, "prosecution", prosecution_id,
                                {{"correction_of_seq", seq},
                                 {"event", target->event},
                                 {"previous_occurred_at", format_utc_micros(target->at)},
                                 {"occurred_at", format_utc_micros(occurred_at)},
                                 {"reason", reason},
                                 {"deadlines_recomputed", std::move(ids)}}));
    EventTimeCorrection out;
    out.seq = seq;
    out.event = target->event;
    out.previous_occurred_at = target->at;
    out.occurred_at = occurred_at;
    out.reason = reason;
    out.recomputed_deadline_ids = std::move(*recomputed);
    out.version = p->version + 1;
    return out;
  });
}

Result<std::vector<HistoryEntry>> PgCaseStore::history(const std::string& prosecution_id) {
  if (!is_uuid(prosecution_id)) return std::vector<HistoryEntry>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<HistoryEntry> out;
    soci::rowset<soci::row> rows = ((**lease).prepare << kHistorySql, soci::use(prosecution_id, "id"));
    for (const auto& r : rows) {
      HistoryEntry h;
      h.seq = r.get<int>(0);
      h.event = r.get<std::string>(1);
      h.occurred_at = from_epoch_micros(r.get<long long>(2));
      h.recorded_at = from_epoch_micros(r.get<long long>(3));
      h.actor_id = r.get<std::string>(4);
      h.actor_username = r.get<std::string>(5);
      h.from_stage = parse_stage(r.get<std::string>(6)).value();
      h.to_stage = parse_stage(r.get<std::string>(7)).value();
      h.fields = r.get<std::string>(8);
      if (long long original = r.get<long long>(9); original >= 0) {
        h.originally_occurred_at = from_epoch_micros(original);
        h.correction_reason = r.get<std::string>(10);
      }
      out.push_back(std::move(h));
    }
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::optional<IdempotencyRecord>> PgCaseStore::find_idempotent(const std::string& user_id,
                                                                       const std::string& key) {
  if (!is_uuid(user_id)) return std::optional<IdempotencyRecord>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::rowset<soci::row> rows = ((**lease).prepare << kFindKeySql, soci::use(user_id, "user"), soci::use(key, "key"));
    for (const auto& r : rows) {
      IdempotencyRecord rec;
      rec.method = r.get<std::string>(0);
      rec.path = r.get<std::string>(1);
      rec.request_hash = r.get<std::string>(2);
      rec.response.status = r.get<int>(3);
      rec.response.body = r.get<std::string>(4);
      return std::optional<IdempotencyRecord>(std::move(rec));
    }
    return std::optional<IdempotencyRecord>();
  } catch (...) {
    return current_exception_to_error();
  }
}

}  // namespace heat::db
