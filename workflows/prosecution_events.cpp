#include "workflows/prosecution_events.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace heat::lifecycle {
namespace {

namespace json = boost::json;

Result<std::optional<std::chrono::sys_days>> date_member(const json::object& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return std::optional<std::chrono::sys_days>();
  if (!it->value().is_string()) return Error::invalid(name, "must be a date");
  auto d = parse_date(std::string_view(it->value().as_string()), name);
  if (!d) return d.error();
  return std::optional<std::chrono::sys_days>(*d);
}

Result<Charge> charge_of(const HistoryEntry& entry) {
  boost::system::error_code ec;
  json::value v = json::parse(entry.fields, ec);
  if (ec || !v.is_object() || !v.as_object().contains("charge"))
    return Error::invalid("fields", "log row " + std::to_string(entry.seq) + " has no charge");
  return charge_from_json_text(json::serialize(v.as_object().at("charge")));
}

}  // namespace

std::string event_fields_json(const LifecycleEvent& e) {
  json::object o;
  if (!e.charge_ids.empty()) {
    json::array ids;
    for (const auto& id : e.charge_ids) ids.emplace_back(id);
    o["charges"] = std::move(ids);
  }
  if (e.lesser_offense) o["lesser_offense"] = true;
  if (e.trial_date) o["trial_date"] = format_date(*e.trial_date);
  if (e.next_appearance) o["next_appearance"] = format_date(*e.next_appearance);
  if (!e.sentences.empty()) {
    json::object s;
    for (const auto& [id, text] : e.sentences) {
      boost::system::error_code ec;
      json::value v = json::parse(text, ec);
      s[id] = ec ? json::value(text) : std::move(v);
    }
    o["sentence"] = std::move(s);
  }
  if (e.court_date) o["court_date"] = format_date(*e.court_date);
  return json::serialize(o);
}

Result<LifecycleEvent> event_from_log(const HistoryEntry& entry) {
  LifecycleEvent e;
  e.name = entry.event;
  e.occurred_at = entry.occurred_at;
  boost::system::error_code ec;
  json::value v = json::parse(entry.fields, ec);
  if (ec || !v.is_object()) return Error::invalid("fields", "log row " + std::to_string(entry.seq) + " is not an object");
  const json::object& o = v.as_object();
  try {
    if (auto it = o.find("charges"); it != o.end())
      for (const auto& id : it->value().as_array()) e.charge_ids.emplace_back(id.as_string());
    if (auto it = o.find("lesser_offense"); it != o.end()) e.lesser_offense = it->value().as_bool();
    if (auto it = o.find("sentence"); it != o.end())
      for (const auto& kv : it->value().as_object()) e.sentences[std::string(kv.key())] = json::serialize(kv.value());
  } catch (const std::exception&) {
    return Error::invalid("fields", "log row " + std::to_string(entry.seq) + " has malformed fields");
  }
  for (auto [name, member] : {std::pair{"trial_date", &e.trial_date}, std::pair{"next_appearance", &e.next_appearance},
                              std::pair{"court_date", &e.court_date}}) {
    auto d = date_member(o, name);
    if (!d) return d.error();
    *member = *d;
  }
  return e;
}

EventDecider decider_for(LifecycleEvent e) {
  return [e = std::move(e)](const ProsecutionSnapshot& s) -> Result<EventOutcome> {
    auto t = apply(s, e);
    if (!t) return t.error();
    EventOutcome out;
    out.event = e.name;
    out.occurred_at = e.occurred_at;
    out.from = t->from;
    out.to = t->to;
    out.after = std::move(t->snapshot);
    out.fields = event_fields_json(e);
    return out;
  };
}

Result<ProsecutionSnapshot> replay_log(const std::vector<HistoryEntry>& log) {
  ProsecutionSnapshot s;
  for (const auto& entry : log) {
    const std::string where = "log row " + std::to_string(entry.seq) + " (" + entry.event + "): ";
    if (entry.event == kAddChargeEvent || entry.event == kUpdateChargeEvent) {
      auto c = charge_of(entry);
      if (!c) return Error::of(ErrorCode::domain_rule, where + c.error().message);
      auto it = std::find_if(s.charges.begin(), s.charges.end(), [&](const Charge& x) { return x.id == c->id; });
      if (entry.event == kAddChargeEvent) {
        if (it != s.charges.end()) return Error::of(ErrorCode::domain_rule, where + "count filed twice");
        s.charges.push_back(std::move(*c));
      } else {
        if (it == s.charges.end()) return Error::of(ErrorCode::domain_rule, where + "no such count");
        *it = std::move(*c);
      }
      continue;
    }
    auto e = event_from_log(entry);
    if (!e) return Error::of(ErrorCode::domain_rule, where + e.error().message);
    auto t = apply(s, *e);
    if (!t) return Error::of(ErrorCode::domain_rule, where + t.error().message);
    if (t->from != entry.from_stage || t->to != entry.to_stage)
      return Error::of(ErrorCode::domain_rule, where + "stages differ from the logged ones");
    s = std::move(t->snapshot);
  }
  return s;
}

Result<ProsecutionSnapshot> verify_projection(CaseStore& store, const std::string& prosecution_id) {
  auto record = store.get_prosecution(prosecution_id);
  if (!record) return record.error();
  if (!*record) return Error::of(ErrorCode::not_found, "no such prosecution");
  auto log = store.history(prosecution_id);
  if (!log) return log.error();
  auto replayed = replay_log(*log);
  if (!replayed) return replayed.error();
  if (!(*replayed == (*record)->snapshot))
    return Error::of(ErrorCode::domain_rule, "projection differs from the log");
  return replayed;
}

}  // namespace heat::lifecycle
