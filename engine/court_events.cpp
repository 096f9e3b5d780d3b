// Court events: string mappings, hearing identity, reconciliation of a feed import with the
// stored hearings, and the deadlines a hearing triggers. Pure and thread-safe.
#include "engine/court_events.hpp"

#include "engine/deadline_rules.hpp"
#include "engine/prosecution.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

namespace heat {
namespace {

namespace json = boost::json;

constexpr std::array<const char*, 8> kKindNames = {"arraignment", "preliminary_hearing", "readiness", "trial",
                                                   "sentencing",  "restitution",         "motion",    "other"};
constexpr std::array<const char*, 4> kStatusNames = {"scheduled", "continued", "cancelled", "held"};
constexpr std::array<const char*, 4> kChangeNames = {"created", "continued", "cancelled", "updated"};
constexpr std::array<const char*, 2> kFeedKindNames = {"ical", "csv"};
constexpr std::array<const char*, 2> kModeNames = {"snapshot", "incremental"};
constexpr std::array<const char*, 4> kOriginNames = {"upload", "cli", "poll", "match"};
constexpr std::array<const char*, 5> kActionNames = {"create", "update", "continue", "cancel", "reinstate"};

template <class E, std::size_t N>
Result<E> parse_name(const std::array<const char*, N>& names, std::string_view s, const std::string& field) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  std::string all;
  for (std::size_t i = 0; i < N; ++i) all += (i ? ", " : "") + std::string(names[i]);
  return Error::invalid(field, "must be one of " + all);
}

std::string describe(const IncomingHearing& h) {
  if (h.line) return "line " + std::to_string(*h.line);
  if (!h.uid.empty()) return "UID " + h.uid;
  return "an earlier record";
}

ImportRejection rejection_for(const IncomingHearing& h, std::string reason) {
  ImportRejection r;
  r.line = h.line;
  if (!h.uid.empty()) r.uid = h.uid;
  r.reason = std::move(reason);
  return r;
}

HearingState state_of(const IncomingHearing& r, const std::string& key) {
  HearingState s;
  s.kind = r.kind;
  s.starts_at = r.starts_at;
  s.ends_at = r.ends_at;
  s.all_day = r.all_day;
  s.department = r.department;
  s.judge = r.judge;
  s.docket = r.docket;
  s.status = r.cancelled ? CourtEventStatus::cancelled : r.held ? CourtEventStatus::held : CourtEventStatus::scheduled;
  s.cancel_reason = r.cancel_reason;
  s.source_sequence = r.sequence;
  s.source_key = key;
  s.original_starts_at = r.recurrence_id.value_or(r.starts_at);
  return s;
}

std::string cancel_reason_of(const IncomingHearing& r) {
  if (!r.cancel_reason.empty()) return r.cancel_reason;
  if (!r.note.empty()) return r.note;
  return "cancelled by the court";
}

std::optional<TimePoint> time_field(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  auto t = parse_rfc3339(std::string_view(v->as_string()), name);
  if (!t) return std::nullopt;
  return *t;
}

std::string string_field(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Enums

const char* to_string(CourtEventKind k) { return kKindNames[static_cast<std::size_t>(k)]; }
const char* to_string(CourtEventStatus s) { return kStatusNames[static_cast<std::size_t>(s)]; }
const char* to_string(CourtEventChangeKind c) { return kChangeNames[static_cast<std::size_t>(c)]; }
const char* to_string(FeedKind k) { return kFeedKindNames[static_cast<std::size_t>(k)]; }
const char* to_string(ImportMode m) { return kModeNames[static_cast<std::size_t>(m)]; }
const char* to_string(ImportOrigin o) { return kOriginNames[static_cast<std::size_t>(o)]; }
const char* to_string(PlanAction a) { return kActionNames[static_cast<std::size_t>(a)]; }

Result<CourtEventKind> parse_court_event_kind(std::string_view s, const std::string& field) {
  return parse_name<CourtEventKind>(kKindNames, s, field);
}
Result<CourtEventStatus> parse_court_event_status(std::string_view s, const std::string& field) {
  return parse_name<CourtEventStatus>(kStatusNames, s, field);
}
Result<CourtEventChangeKind> parse_court_event_change(std::string_view s) {
  return parse_name<CourtEventChangeKind>(kChangeNames, s, "change");
}
Result<FeedKind> parse_feed_kind(std::string_view s, const std::string& field) {
  return parse_name<FeedKind>(kFeedKindNames, s, field);
}
Result<ImportMode> parse_import_mode(std::string_view s, const std::string& field) {
  return parse_name<ImportMode>(kModeNames, s, field);
}
Result<ImportOrigin> parse_import_origin(std::string_view s) {
  return parse_name<ImportOrigin>(kOriginNames, s, "origin");
}

// ---------------------------------------------------------------------------------------
// Identity

std::string source_key(const IncomingHearing& h) {
  if (!h.source_uid.empty()) {
    std::string key = "id:" + h.source_uid;
    if (h.recurrence_id) key += "@" + format_utc_micros(*h.recurrence_id);
    return key;
  }
  return "dk:" + h.normalized_docket + "|" + to_string(h.kind) + "|" +
         format_utc_micros(h.recurrence_id.value_or(h.starts_at));
}

bool is_natural_key(std::string_view key) { return key.rfind("dk:", 0) == 0; }

std::string to_json_text(const IncomingHearing& h) {
  json::object o;
  o["source_uid"] = h.source_uid;
  o["uid"] = h.uid;
  if (h.recurrence_id) o["recurrence_id"] = format_utc_micros(*h.recurrence_id);
  o["sequence"] = h.sequence;
  o["docket"] = h.docket;
  o["normalized_docket"] = h.normalized_docket;
  o["kind"] = to_string(h.kind);
  o["kind_text"] = h.kind_text;
  o["starts_at"] = format_utc_micros(h.starts_at);
  if (h.ends_at) o["ends_at"] = format_utc_micros(*h.ends_at);
  o["all_day"] = h.all_day;
  o["department"] = h.department;
  o["judge"] = h.judge;
  o["cancelled"] = h.cancelled;
  o["held"] = h.held;
  o["cancel_reason"] = h.cancel_reason;
  o["note"] = h.note;
  if (h.line) o["line"] = static_cast<std::uint64_t>(*h.line);
  return json::serialize(o);
}

Result<IncomingHearing> incoming_hearing_from_json(std::string_view text) {
  const Error bad = Error::invalid("record", "not a stored hearing record");
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return bad;
  const json::object& o = v.as_object();
  IncomingHearing h;
  h.source_uid = string_field(o, "source_uid");
  h.uid = string_field(o, "uid");
  h.recurrence_id = time_field(o, "recurrence_id");
  if (const auto* s = o.if_contains("sequence"); s != nullptr && s->is_int64()) h.sequence = static_cast<int>(s->as_int64());
  h.docket = string_field(o, "docket");
  h.normalized_docket = string_field(o, "normalized_docket");
  auto kind = parse_court_event_kind(string_field(o, "kind"));
  if (!kind) return bad;
  h.kind = *kind;
  h.kind_text = string_field(o, "kind_text");
  auto starts = time_field(o, "starts_at");
  if (!starts) return bad;
  h.starts_at = *starts;
  h.ends_at = time_field(o, "ends_at");
  if (const auto* b = o.if_contains("all_day"); b != nullptr && b->is_bool()) h.all_day = b->as_bool();
  h.department = string_field(o, "department");
  h.judge = string_field(o, "judge");
  if (const auto* b = o.if_contains("cancelled"); b != nullptr && b->is_bool()) h.cancelled = b->as_bool();
  if (const auto* b = o.if_contains("held"); b != nullptr && b->is_bool()) h.held = b->as_bool();
  h.cancel_reason = string_field(o, "cancel_reason");
  h.note = string_field(o, "note");
  if (const auto* l = o.if_contains("line"); l != nullptr) {
    if (l->is_uint64()) h.line = static_cast<std::size_t>(l->as_uint64());
    else if (l->is_int64() && l->as_int64() >= 0) h.line = static_cast<std::size_t>(l->as_int64());
  }
  return h;
}

std::string to_json_text(const ImportReport& r) {
  json::array rejected;
  for (const auto& x : r.rejected) {
    json::object o;
    if (x.line) o["line"] = static_cast<std::uint64_t>(*x.line);
    if (x.uid) o["uid"] = *x.uid;
    o["reason"] = x.reason;
    rejected.push_back(std::move(o));
  }
  json::array warnings;
  for (const auto& w : r.warnings) warnings.emplace_back(w);
  json::object o{{"created", r.created},     {"updated", r.updated},     {"cancelled", r.cancelled},
                 {"unchanged", r.unchanged}, {"unmatched", r.unmatched}, {"rejected", std::move(rejected)},
                 {"mode", to_string(r.mode)}, {"records", r.records},    {"warnings", std::move(warnings)}};
  o["import_id"] = r.import_id.empty() ? json::value(nullptr) : json::value(r.import_id);
  return json::serialize(o);
}

std::string clean_text(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto put = [&](std::string_view piece) {
    if (out.size() + piece.size() > max_bytes) return false;
    out.append(piece);
    return true;
  };
  while (i < n) {
    const unsigned char c = p[i];
    std::size_t len = 0;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
        ++i;
        continue;
      }
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
    }
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (ok && len == 3) {
      if (c == 0xE0 && p[i + 1] < 0xA0) ok = false;  // overlong
      if (c == 0xED && p[i + 1] > 0x9F) ok = false;  // surrogates
    }
    if (ok && len == 4) {
      if (c == 0xF0 && p[i + 1] < 0x90) ok = false;
      if (c == 0xF4 && p[i + 1] > 0x8F) ok = false;
    }
    if (!ok) {
      if (!put("\xEF\xBF\xBD")) break;
      ++i;
      continue;
    }
    if (!put(text.substr(i, len))) break;
    i += len;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Reconciliation

bool PlannedChange::moves_deadlines() const {
  if (action != PlanAction::update) return true;
  return std::find(changed_fields.begin(), changed_fields.end(), "kind") != changed_fields.end();
}

const char* notification_kind(const PlannedChange& c) {
  switch (c.action) {
    case PlanAction::create:
      return c.after.status == CourtEventStatus::cancelled || c.after.status == CourtEventStatus::held
                 ? ""
                 : "hearing_scheduled";
    case PlanAction::reinstate: return c.after.status == CourtEventStatus::held ? "" : "hearing_scheduled";
    case PlanAction::update:
      // A hearing that took place changes nobody's plans.
      if (c.changed_fields == std::vector<std::string>{"status"}) return "";
      return "hearing_changed";
    case PlanAction::continue_: return "hearing_changed";
    case PlanAction::cancel: return "hearing_cancelled";
  }
  return "";
}

ReconcilePlan reconcile(const ReconcileInput& in) {
  ReconcilePlan plan;
  const std::size_t n = in.incoming.size();
  auto case_of = [&](std::size_t i) -> const std::string& {
    static const std::string kNone;
    return i < in.case_ids.size() ? in.case_ids[i] : kNone;
  };

  // One record per key: the highest SEQUENCE (a tie: the first in the file).
  std::vector<std::string> keys(n);
  std::unordered_map<std::string, std::size_t> chosen;
  std::vector<bool> kept(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = source_key(in.incoming[i]);
    auto [it, fresh] = chosen.emplace(keys[i], i);
    if (fresh) {
      kept[i] = true;
      continue;
    }
    const std::size_t j = it->second;
    if (in.incoming[i].sequence > in.incoming[j].sequence) {
      kept[j] = false;
      plan.rejected.push_back(rejection_for(in.incoming[j], "superseded by a later SEQUENCE of the same hearing (" +
                                                                describe(in.incoming[i]) + ")"));
      kept[i] = true;
      it->second = i;
    } else {
      plan.rejected.push_back(
          rejection_for(in.incoming[i], "the same hearing as " + describe(in.incoming[j]) + " of this file"));
    }
  }

  std::unordered_map<std::string, std::size_t> by_key;
  for (std::size_t e = 0; e < in.existing.size(); ++e) by_key.emplace(in.existing[e].source_key, e);
  std::vector<std::optional<std::size_t>> matched(n);
  std::vector<bool> paired(n, false);
  std::vector<bool> seen(in.existing.size(), false);
  for (std::size_t i = 0; i < n; ++i) {
    if (!kept[i]) continue;
    if (auto it = by_key.find(keys[i]); it != by_key.end()) {
      matched[i] = it->second;
      seen[it->second] = true;
    }
  }

  const bool snapshot = in.mode == ImportMode::snapshot;
  const bool any_record = std::any_of(kept.begin(), kept.end(), [](bool k) { return k; });
  auto cancellable = [&](std::size_t e) {
    const StoredHearing& h = in.existing[e];
    return !seen[e] && h.status != CourtEventStatus::cancelled && h.starts_at >= in.now;
  };

  // A court without hearing ids: a continued hearing arrives under a new natural key. Pair
  // it with the one hearing of the same case, docket and kind that disappeared.
  if (snapshot && any_record) {
    struct Group {
      std::vector<std::size_t> missing, fresh;
    };
    std::map<std::string, Group> groups;
    for (std::size_t e = 0; e < in.existing.size(); ++e) {
      const StoredHearing& h = in.existing[e];
      if (!cancellable(e) || !is_natural_key(h.source_key)) continue;
      groups[h.case_id + "|" + normalize_docket(h.docket) + "|" + to_string(h.kind)].missing.push_back(e);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const IncomingHearing& r = in.incoming[i];
      if (!kept[i] || matched[i] || r.cancelled || !is_natural_key(keys[i]) || case_of(i).empty()) continue;
      auto it = groups.find(case_of(i) + "|" + r.normalized_docket + "|" + to_string(r.kind));
      if (it != groups.end()) it->second.fresh.push_back(i);
    }
    for (const auto& [_, g] : groups) {
      if (g.missing.size() != 1 || g.fresh.size() != 1) continue;
      matched[g.fresh[0]] = g.missing[0];
      paired[g.fresh[0]] = true;
      seen[g.missing[0]] = true;
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    if (!kept[i]) continue;
    const IncomingHearing& r = in.incoming[i];
    if (!matched[i]) {
      if (case_of(i).empty()) {
        plan.unmatched.push_back(i);
        continue;
      }
      PlannedChange c;
      c.action = PlanAction::create;
      c.incoming = i;
      c.case_id = case_of(i);
      c.after = state_of(r, keys[i]);
      if (!r.cancelled && r.moved()) {
        if (!r.held) c.after.status = CourtEventStatus::continued;
        c.old_starts_at = r.recurrence_id;
      }
      c.change = CourtEventChangeKind::created;
      c.reason = r.cancelled ? cancel_reason_of(r) : (r.moved() ? (r.note.empty() ? "moved by the court" : r.note) : "");
      plan.changes.push_back(std::move(c));
      continue;
    }
    const StoredHearing& e = in.existing[*matched[i]];
    if (r.sequence < e.source_sequence) {  // stale: an older version of the hearing
      ++plan.unchanged;
      continue;
    }
    PlannedChange c;
    c.incoming = i;
    c.event_id = e.id;
    c.case_id = e.case_id;
    c.after = state_of(r, keys[i]);
    c.after.original_starts_at = {};
    const bool moved = r.starts_at != e.starts_at;
    if (r.cancelled) {
      if (e.status == CourtEventStatus::cancelled) {
        ++plan.unchanged;
        continue;
      }
      c.action = PlanAction::cancel;
      c.change = CourtEventChangeKind::cancelled;
      c.after.status = CourtEventStatus::cancelled;
      c.after.cancel_reason = cancel_reason_of(r);
      if (moved) c.old_starts_at = e.starts_at;
      c.reason = c.after.cancel_reason;
    } else if (e.status == CourtEventStatus::cancelled) {
      c.action = PlanAction::reinstate;
      c.change = moved ? CourtEventChangeKind::continued : CourtEventChangeKind::updated;
      c.after.status = r.held ? CourtEventStatus::held : moved ? CourtEventStatus::continued : CourtEventStatus::scheduled;
      c.after.cancel_reason.clear();
      if (moved) c.old_starts_at = e.starts_at;
      c.reason = "set again by the court";
    } else if (moved) {
      c.action = PlanAction::continue_;
      c.change = CourtEventChangeKind::continued;
      c.after.status = r.held ? CourtEventStatus::held : CourtEventStatus::continued;
      c.old_starts_at = e.starts_at;
      c.reason = !r.note.empty() ? r.note
                 : paired[i]     ? "continued: a new date for the same docket and hearing kind"
                                 : "moved by the court";
    } else {
      std::vector<std::string> fields;
      if (r.kind != e.kind) fields.emplace_back("kind");
      if (r.ends_at != e.ends_at) fields.emplace_back("ends_at");
      if (r.all_day != e.all_day) fields.emplace_back("all_day");
      if (r.department != e.department) fields.emplace_back("department");
      if (r.judge != e.judge) fields.emplace_back("judge");
      if (r.docket != e.docket) fields.emplace_back("docket");
      // Held is final: a later file that no longer says so does not make it scheduled again.
      const bool now_held = r.held && e.status != CourtEventStatus::held;
      if (now_held) fields.emplace_back("status");
      if (fields.empty()) {
        ++plan.unchanged;
        continue;
      }
      c.action = PlanAction::update;
      c.change = CourtEventChangeKind::updated;
      c.after.status = now_held ? CourtEventStatus::held : e.status;  // else scheduled, continued or held, as it was
      std::string list;
      for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f;
      c.reason = fields.size() == 1 && now_held ? "held: " + (r.note.empty() ? std::string("as the court reports") : r.note)
                                                : "changed by the court: " + list;
      c.changed_fields = std::move(fields);
    }
    plan.changes.push_back(std::move(c));
  }

  if (snapshot && !any_record) {
    if (std::any_of(in.existing.begin(), in.existing.end(), [&](const StoredHearing& h) {
          return h.status != CourtEventStatus::cancelled && h.starts_at >= in.now;
        }))
      plan.warnings.emplace_back("the snapshot has no hearings: nothing was cancelled");
    return plan;
  }
  if (snapshot) {
    for (std::size_t e = 0; e < in.existing.size(); ++e) {
      if (!cancellable(e)) continue;
      const StoredHearing& h = in.existing[e];
      PlannedChange c;
      c.action = PlanAction::cancel;
      c.event_id = h.id;
      c.case_id = h.case_id;
      c.after.kind = h.kind;
      c.after.starts_at = h.starts_at;
      c.after.ends_at = h.ends_at;
      c.after.all_day = h.all_day;
      c.after.department = h.department;
      c.after.judge = h.judge;
      c.after.docket = h.docket;
      c.after.status = CourtEventStatus::cancelled;
      c.after.cancel_reason = "no longer on the court's calendar";
      c.after.source_sequence = h.source_sequence;
      c.after.source_key = h.source_key;
      c.change = CourtEventChangeKind::cancelled;
      c.reason = c.after.cancel_reason;
      plan.changes.push_back(std::move(c));
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------
// Deadlines

Result<std::vector<Deadline>> hearing_deadlines(CourtEventKind kind, TimePoint starts_at, const HearingFacts& facts,
                                                const CourtCalendar& calendar) {
  std::vector<Deadline> out;
  switch (facts.stage) {
    case Stage::declined:
    case Stage::dismissed:
    case Stage::acquitted:
      return out;
    case Stage::sentenced:
      if (kind != CourtEventKind::restitution) return out;
      break;
    default:
      break;
  }
  const HearingKind which = kind == CourtEventKind::sentencing    ? HearingKind::sentencing
                            : kind == CourtEventKind::restitution ? HearingKind::restitution
                                                                  : HearingKind::any;
  CaseFacts case_facts;
  case_facts.victim_requested_notice = facts.victim_requested_notice;
  case_facts.early_report_requested = facts.early_report_requested;
  auto day = CourtCalendar::local_date(starts_at);
  if (!day) return day.error();
  for (const DeadlineRule& rule : rules_triggered_by(DeadlineEvent::hearing, case_facts, which)) {
    auto due = compute_due(rule, starts_at, calendar);
    if (!due) return due.error();
    Deadline d;
    d.rule_id = std::string(rule.id);
    d.trigger = "hearing";
    d.trigger_date = *day;
    d.due_date = due->date;
    d.due_at = due->instant;
    d.note = std::string("before the ") + to_string(kind) + " hearing on " + format_date(*day);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace heat
