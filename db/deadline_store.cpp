#include "db/deadline_store.hpp"

#include "db/audit_log.hpp"
#include "db/identity_store.hpp"
#include "db/prepared.hpp"
#include "engine/cases.hpp"
#include "engine/statutes.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <sstream>

namespace heat::db {
namespace {

namespace json = boost::json;
using std::chrono::sys_days;

constexpr const char* kSelect =
    "SELECT d.id::text, d.prosecution_id::text, d.rule_id, d.citation, d.count_unit, d.trigger, d.trigger_date::text,"
    " COALESCE((extract(epoch FROM d.trigger_at) * 1000000)::bigint, -1), d.due_date::text,"
    " COALESCE((extract(epoch FROM d.due_at) * 1000000)::bigint, -1), d.status,"
    " COALESCE(d.met_on_time::int, -1), COALESCE(d.resolved_on::text, ''), d.note, c.unit,"
    " COALESCE(c.lead_dda_id::text, ''),"
    " COALESCE((SELECT string_agg(a.user_id::text, ',') FROM case_assignments a WHERE a.case_id = c.id), '')"
    " FROM deadlines d JOIN prosecutions p ON p.id = d.prosecution_id JOIN cases c ON c.id = p.case_id";
constexpr const char* kInsert =
    "INSERT INTO deadlines (prosecution_id, rule_id, citation, count_unit, trigger, trigger_date, trigger_at, due_date,"
    " due_at, status, note, created_at, updated_at) VALUES (:pid::uuid, :rule, :citation, :unit, :trigger,"
    " :tdate::date, CASE WHEN CAST(:tat AS bigint) < 0 THEN NULL ELSE to_timestamp(CAST(:tat2 AS double precision) / 1000000) END,"
    " :ddate::date, CASE WHEN CAST(:dat AS bigint) < 0 THEN NULL ELSE to_timestamp(CAST(:dat2 AS double precision) / 1000000) END,"
    " :status, :note, to_timestamp(CAST(:now AS double precision) / 1000000),"
    " to_timestamp(CAST(:now2 AS double precision) / 1000000))";
constexpr const char* kUpdate =
    "UPDATE deadlines SET status = :status, met_on_time = CASE WHEN :met < 0 THEN NULL ELSE :met2 = 1 END,"
    " resolved_on = NULLIF(:resolved, '')::date, note = :note, due_date = :ddate::date, trigger_date = :tdate::date,"
    " trigger_at = CASE WHEN CAST(:tat AS bigint) < 0 THEN NULL ELSE to_timestamp(CAST(:tat2 AS double precision) / 1000000) END,"
    " due_at = CASE WHEN CAST(:dat AS bigint) < 0 THEN NULL ELSE to_timestamp(CAST(:dat2 AS double precision) / 1000000) END,"
    " updated_at = to_timestamp(CAST(:now AS double precision) / 1000000) WHERE id = :id::uuid";

std::string date_text(sys_days d) { return format_date(d); }

template <class Row>
DeadlineRecord read(const Row& r) {
  DeadlineRecord rec;
  Deadline& d = rec.deadline;
  d.id = r.template get<std::string>(0);
  rec.prosecution_id = r.template get<std::string>(1);
  d.rule_id = r.template get<std::string>(2);
  rec.citation = r.template get<std::string>(3);
  rec.count_unit = r.template get<std::string>(4);
  d.trigger = r.template get<std::string>(5);
  d.trigger_date = parse_date(r.template get<std::string>(6), "trigger_date").value();
  if (long long t = r.template get<long long>(7); t >= 0) d.trigger_at = from_epoch_micros(t);
  d.due_date = parse_date(r.template get<std::string>(8), "due_date").value();
  if (long long t = r.template get<long long>(9); t >= 0) d.due_at = from_epoch_micros(t);
  d.status = parse_deadline_status(r.template get<std::string>(10)).value();
  if (int m = r.template get<int>(11); m >= 0) d.met_on_time = m == 1;
  if (auto s = r.template get<std::string>(12); !s.empty()) d.resolved_on = parse_date(s, "resolved_on").value();
  d.note = r.template get<std::string>(13);
  rec.access.unit = r.template get<std::string>(14);
  rec.access.lead_dda_id = r.template get<std::string>(15);
  std::stringstream assigned(r.template get<std::string>(16));
  for (std::string id; std::getline(assigned, id, ',');) rec.access.assigned_dda_ids.push_back(id);
  return rec;
}

std::vector<DeadlineRecord> query(soci::session& sql, const std::string& where, const std::string& value) {
  std::vector<DeadlineRecord> out;
  const std::string text = std::string(kSelect) + " WHERE " + where + " ORDER BY d.due_date, d.created_at, d.id";
  for (const auto& r : exec_prepared(sql, text.c_str(), {value})) out.push_back(read(r));
  return out;
}

void insert(soci::session& sql, const std::string& prosecution_id, const Deadline& d, TimePoint now) {
  auto rule = find_deadline_rule(d.rule_id).value();
  const std::string citation(rule.citation);
  const std::string unit = to_string(rule.unit);
  const std::string tdate = date_text(d.trigger_date);
  const std::string ddate = date_text(d.due_date);
  const long long tat = d.trigger_at ? to_epoch_micros(*d.trigger_at) : -1;
  const long long dat = d.due_at ? to_epoch_micros(*d.due_at) : -1;
  const std::string status = to_string(d.status);
  const long long us = to_epoch_micros(now);
  exec_prepared(sql, kInsert,
            {prosecution_id, d.rule_id, citation, unit, d.trigger, tdate, std::to_string(tat), std::to_string(tat), ddate,
             std::to_string(dat), std::to_string(dat), status, d.note, std::to_string(us), std::to_string(us)});
}

void update(soci::session& sql, const Deadline& d, TimePoint now) {
  const std::string status = to_string(d.status);
  const int met = d.met_on_time ? (*d.met_on_time ? 1 : 0) : -1;
  const std::string resolved = d.resolved_on ? date_text(*d.resolved_on) : "";
  const std::string ddate = date_text(d.due_date);
  const std::string tdate = date_text(d.trigger_date);
  const long long tat = d.trigger_at ? to_epoch_micros(*d.trigger_at) : -1;
  const long long dat = d.due_at ? to_epoch_micros(*d.due_at) : -1;
  const long long us = to_epoch_micros(now);
  exec_prepared(sql, kUpdate,
                {status, std::to_string(met), std::to_string(met), resolved, d.note, ddate, tdate, std::to_string(tat),
                 std::to_string(tat), std::to_string(dat), std::to_string(dat), std::to_string(us), d.id});
}

// Felony unless every count is a misdemeanor (wobblers are charged as felonies here).
bool is_felony(const ProsecutionSnapshot& s) {
  if (s.charges.empty()) return true;
  for (const auto& c : s.charges) {
    auto statute = StatuteCatalog::builtin().lookup(c.statute);
    if (!statute || statute->statute_class != StatuteClass::misdemeanor) return true;
  }
  return false;
}

// Recomputes the due date of every open day-counted deadline whose period contains `date`.
int recompute_around(soci::session& sql, sys_days date, TimePoint now, const std::string& why) {
  auto calendar = load_calendar(sql).value();
  std::vector<DeadlineRecord> open = query(sql, "d.status = 'open' AND d.count_unit <> 'hours' AND :v::date BETWEEN "
                                                "LEAST(d.trigger_date, d.due_date) AND GREATEST(d.trigger_date, d.due_date) + 10",
                                           date_text(date));
  int changed = 0;
  for (auto& rec : open) {
    auto rule = find_deadline_rule(rec.deadline.rule_id);
    if (!rule) continue;
    auto due = compute_due(*rule, rec.deadline.trigger_date, calendar);
    if (!due || due->date == rec.deadline.due_date) continue;
    rec.deadline.note = why + " (was " + date_text(rec.deadline.due_date) + ")";
    rec.deadline.due_date = due->date;
    update(sql, rec.deadline, now);
    ++changed;
  }
  return changed;
}

}  // namespace

Result<CourtCalendar> load_calendar(soci::session& sql) {
  std::vector<Closure> closures;
  for (const auto& r : exec_prepared(sql, "SELECT date::text, reason FROM court_closures ORDER BY date")) {
    auto d = parse_date(r.get<std::string>(0), "date");
    if (d) closures.push_back({*d, r.get<std::string>(1)});
  }
  return CourtCalendar::with_closures(std::move(closures));
}

Status record_event_deadlines(soci::session& sql, const std::string& prosecution_id, const std::string& event,
                              TimePoint occurred_at, const ProsecutionSnapshot& before,
                              const ProsecutionSnapshot& after, TimePoint now) {
  auto calendar = load_calendar(sql);
  if (!calendar) return calendar.error();
  auto local = CourtCalendar::local_date(occurred_at);
  if (!local) return local.error();
  exec_prepared(sql, "SELECT 1 FROM deadlines WHERE prosecution_id = :id::uuid FOR UPDATE", {prosecution_id});
  std::vector<Deadline> existing;
  for (auto& rec : query(sql, "d.prosecution_id = :v::uuid", prosecution_id)) existing.push_back(rec.deadline);
  DeadlineEventContext context{event, occurred_at, *local, before, after, {}};
  context.facts.felony = is_felony(after);
  auto plan = plan_deadlines(existing, context, *calendar);
  if (!plan) return plan.error();
  for (const auto& d : plan->changed) update(sql, d, now);
  for (const auto& d : plan->created) insert(sql, prosecution_id, d, now);
  return {};
}

Result<std::vector<std::string>> correct_event_deadlines(soci::session& sql, const std::string& prosecution_id,
                                                         const TriggerCorrection& correction, TimePoint now) {
  auto calendar = load_calendar(sql);
  if (!calendar) return calendar.error();
  sql << "SELECT 1 FROM deadlines WHERE prosecution_id = :id::uuid FOR UPDATE", soci::use(prosecution_id, "id");
  std::vector<Deadline> existing;
  for (auto& rec : query(sql, "d.prosecution_id = :v::uuid", prosecution_id)) existing.push_back(rec.deadline);
  auto changed = replan_corrected_trigger(existing, correction, *calendar);
  if (!changed) return changed.error();
  std::vector<std::string> ids;
  for (const auto& d : *changed) {
    update(sql, d, now);
    ids.push_back(d.id);
  }
  return ids;
}

Result<std::vector<DeadlineRecord>> PgDeadlineStore::for_prosecution(const std::string& prosecution_id) {
  if (!is_uuid(prosecution_id)) return std::vector<DeadlineRecord>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return query(**lease, "d.prosecution_id = :v::uuid", prosecution_id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::optional<DeadlineRecord>> PgDeadlineStore::get(const std::string& id) {
  if (!is_uuid(id)) return std::optional<DeadlineRecord>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    auto rows = query(**lease, "d.id = :v::uuid", id);
    if (rows.empty()) return std::optional<DeadlineRecord>();
    return std::optional<DeadlineRecord>(rows.front());
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::vector<DeadlineRecord>> PgDeadlineStore::list(const DeadlineFilter& f) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<DeadlineRecord> out;
    const std::string status = f.status ? to_string(*f.status) : "";
    const std::string before = f.due_before ? date_text(*f.due_before) : "";
    const std::string after_due = f.after_due ? date_text(*f.after_due) : "";
    const int limit = f.limit;
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kSelect) +
                                  " WHERE (:assigned = '' OR c.lead_dda_id::text = :assigned2 OR EXISTS (SELECT 1 FROM"
                                  " case_assignments a WHERE a.case_id = c.id AND a.user_id::text = :assigned3))"
                                  " AND (:unit = '' OR c.unit = :unit2) AND (:status = '' OR d.status = :status2)"
                                  " AND (:before = '' OR d.due_date < NULLIF(:before2, '')::date)"
                                  " AND (:after_due = '' OR (d.due_date, d.id::text) > (NULLIF(:after_due2, '')::date,"
                                  " :after_id)) ORDER BY d.due_date, d.id LIMIT :limit",
         soci::use(f.assigned_to, "assigned"), soci::use(f.assigned_to, "assigned2"),
         soci::use(f.assigned_to, "assigned3"), soci::use(f.unit, "unit"), soci::use(f.unit, "unit2"),
         soci::use(status, "status"), soci::use(status, "status2"), soci::use(before, "before"),
         soci::use(before, "before2"), soci::use(after_due, "after_due"), soci::use(after_due, "after_due2"),
         soci::use(f.after_id, "after_id"), soci::use(limit, "limit"));
    for (const auto& r : rows) out.push_back(read(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<DeadlineRecord> PgDeadlineStore::waive(const std::string& id, const std::string& reason,
                                              const std::function<Status(const RecordContext&)>& authorize,
                                              const AuditEntry& audit) {
  if (!is_uuid(id)) return Error::of(ErrorCode::not_found, "no such deadline");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<DeadlineRecord> {
    sql << "SELECT 1 FROM deadlines WHERE id = :id::uuid FOR UPDATE", soci::use(id, "id");
    auto rows = query(sql, "d.id = :v::uuid", id);
    if (rows.empty()) return Error::of(ErrorCode::not_found, "no such deadline");
    DeadlineRecord rec = rows.front();
    if (auto s = authorize(rec.access); !s) return s.error();
    if (rec.deadline.status != DeadlineStatus::open && rec.deadline.status != DeadlineStatus::tolled)
      return Error::of(ErrorCode::domain_rule,
                       std::string("only an open or tolled deadline can be waived; this one is ") +
                           to_string(rec.deadline.status));
    const long long us = to_epoch_micros(audit.at);
    auto local = CourtCalendar::local_date(audit.at);
    const std::string resolved = local ? date_text(*local) : "";
    // A named string: soci::use keeps a reference until the statement runs at the end of
    // the full expression, after a temporary would already be gone.
    const std::string note = "waived: " + reason;
    sql << "UPDATE deadlines SET status = 'waived', waived_by = NULLIF(:by, '')::uuid, waive_reason = :reason,"
           " note = :note, resolved_on = NULLIF(:resolved, '')::date,"
           " updated_at = to_timestamp(CAST(:us AS double precision) / 1000000) WHERE id = :id::uuid",
        soci::use(audit.actor_id, "by"), soci::use(reason, "reason"), soci::use(note, "note"),
        soci::use(resolved, "resolved"), soci::use(us, "us"), soci::use(id, "id");
    AuditEntry a = audit;
    a.entity = "deadline";
    a.entity_id = id;
    a.details = json::serialize(json::object{{"reason", reason}, {"rule", rec.deadline.rule_id}});
    append_audit(sql, a);
    return query(sql, "d.id = :v::uuid", id).front();
  });
}

Result<std::vector<Closure>> PgDeadlineStore::closures() {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    auto calendar = load_calendar(**lease);
    if (!calendar) return calendar.error();
    return calendar->closures();
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<int> PgDeadlineStore::add_closure(const Closure& closure, const AuditEntry& audit) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<int> {
    const std::string date = date_text(closure.date);
    const long long us = to_epoch_micros(audit.at);
    sql << "INSERT INTO court_closures (date, reason, created_by, created_at) VALUES (:d::date, :r,"
           " NULLIF(:by, '')::uuid, to_timestamp(CAST(:us AS double precision) / 1000000))",
        soci::use(date, "d"), soci::use(closure.reason, "r"), soci::use(audit.actor_id, "by"), soci::use(us, "us");
    const int changed = recompute_around(sql, closure.date, audit.at, "recomputed: court closed " + date);
    AuditEntry a = audit;
    a.entity = "court_closure";
    a.entity_id = date;
    a.details = json::serialize(json::object{{"reason", closure.reason}, {"deadlines_recomputed", changed}});
    append_audit(sql, a);
    return changed;
  });
}

Result<int> PgDeadlineStore::remove_closure(std::chrono::sys_days date, const AuditEntry& audit) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<int> {
    const std::string d = date_text(date);
    int found = 0;
    sql << "DELETE FROM court_closures WHERE date = :d::date RETURNING 1", soci::use(d, "d"), soci::into(found);
    if (found == 0) return Error::of(ErrorCode::not_found, "no closure on " + d);
    const int changed = recompute_around(sql, date, audit.at, "recomputed: closure of " + d + " removed");
    AuditEntry a = audit;
    a.entity = "court_closure";
    a.entity_id = d;
    a.details = json::serialize(json::object{{"removed", true}, {"deadlines_recomputed", changed}});
    append_audit(sql, a);
    return changed;
  });
}

Result<SweepReport> PgDeadlineStore::sweep(TimePoint now, const std::vector<int>& reminder_court_days) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<SweepReport> {
    SweepReport report;
    auto today = CourtCalendar::local_date(now);
    if (!today) return today.error();
    const std::string today_text = date_text(*today);
    const long long us = to_epoch_micros(now);
    // Missed: claimed with SKIP LOCKED, so concurrent sweeps split the work, never repeat it.
    soci::rowset<soci::row> missed =
        (sql.prepare << "UPDATE deadlines d SET status = 'missed', resolved_on = :today::date,"
                        " updated_at = to_timestamp(CAST(:us AS double precision) / 1000000)"
                        " WHERE d.id IN (SELECT id FROM deadlines WHERE status = 'open' AND"
                        " (due_at IS NOT NULL AND due_at < to_timestamp(CAST(:us2 AS double precision) / 1000000)"
                        " OR due_at IS NULL AND due_date < :today2::date) FOR UPDATE SKIP LOCKED)"
                        " RETURNING d.id::text",
         soci::use(today_text, "today"), soci::use(us, "us"), soci::use(us, "us2"), soci::use(today_text, "today2"));
    std::vector<std::string> missed_ids;
    for (const auto& r : missed) missed_ids.push_back(r.get<std::string>(0));
    report.missed = static_cast<int>(missed_ids.size());
    for (const auto& id : missed_ids) {
      int added = 0;
      sql << "INSERT INTO notifications (user_id, kind, subject_id, dedupe_key, payload, created_at)"
             " SELECT c.lead_dda_id, 'deadline_missed', d.id::text, 'deadline_missed:' || d.id::text,"
             " json_build_object('rule', d.rule_id, 'citation', d.citation, 'due', d.due_date)::text,"
             " to_timestamp(CAST(:us AS double precision) / 1000000)"
             " FROM deadlines d JOIN prosecutions p ON p.id = d.prosecution_id JOIN cases c ON c.id = p.case_id"
             " WHERE d.id = :id::uuid AND c.lead_dda_id IS NOT NULL ON CONFLICT DO NOTHING RETURNING 1",
          soci::use(us, "us"), soci::use(id, "id"), soci::into(added);
    }
    // Reminders: for each lead time, open deadlines due within that many court days.
    auto calendar = load_calendar(sql);
    if (!calendar) return calendar.error();
    for (int lead : reminder_court_days) {
      auto horizon = calendar->add_court_days(*today, lead);
      if (!horizon) return horizon.error();
      const std::string horizon_text = date_text(*horizon);
      const std::string prefix = "deadline_due:" + std::to_string(lead) + ":";
      soci::rowset<soci::row> added =
          (sql.prepare << "INSERT INTO notifications (user_id, kind, subject_id, dedupe_key, payload, created_at)"
                          " SELECT c.lead_dda_id, 'deadline_due', d.id::text, CAST(:prefix AS text) || d.id::text,"
                          " json_build_object('rule', d.rule_id, 'citation', d.citation, 'due', d.due_date,"
                          " 'court_days_ahead', CAST(:lead AS integer))::text, to_timestamp(CAST(:us AS double precision) / 1000000)"
                          " FROM deadlines d JOIN prosecutions p ON p.id = d.prosecution_id"
                          " JOIN cases c ON c.id = p.case_id WHERE d.status = 'open' AND c.lead_dda_id IS NOT NULL"
                          " AND d.due_date >= :today::date AND d.due_date <= :horizon::date"
                          " ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING 1",
           soci::use(prefix, "prefix"), soci::use(lead, "lead"), soci::use(us, "us"),
           soci::use(today_text, "today"), soci::use(horizon_text, "horizon"));
      for (auto it = added.begin(); it != added.end(); ++it) ++report.reminders;
    }
    return report;
  });
}

}  // namespace heat::db
