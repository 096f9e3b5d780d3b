// heatwatch gen-data: a deterministic generator of realistic data for benchmarks and scale
// tests (issue 10). Sizes: county (one unit, 5,000 prosecutions), office (50,000 cases,
// 80,000 prosecutions over several units), statewide (1,000,000 prosecutions), or an explicit
// --prosecutions N. The same --seed gives the same rows, ids included.
//
// Each prosecution is driven through the real lifecycle machine (lifecycle::apply) and the
// real deadline planner (plan_deadlines), so its transition log replays to its projection and
// its deadlines are those the engine would have written; the rows are then loaded with COPY
// through the session's libpq connection, in chunks (one transaction each). Deadlines already
// past due at --as-of are stored as missed, as the sweep would have left them. The load itself
// is one audit entry ("data.generate"); no per-row audit entries are invented.
#include "db/audit_log.hpp"
#include "db/native.hpp"
#include "db/pool.hpp"
#include "engine/cases.hpp"
#include "engine/court_calendar.hpp"
#include "engine/deadline_planner.hpp"
#include "engine/statutes.hpp"
#include "tools/heatwatch/cli.hpp"
#include "workflows/prosecution_events.hpp"
#include "workflows/prosecution_lifecycle.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <unistd.h>

namespace heat::cli {
namespace {

using namespace std::chrono;
namespace json = boost::json;

struct Size {
  long prosecutions = 0;
  long cases = 0;
  std::vector<std::string> units;
  long hearings = 0;  // court_events rows (only where that table exists)
};

Size size_named(const std::string& name) {
  if (name == "county") return {5000, 3200, {"ht"}, 20000};
  if (name == "office") return {80000, 50000, {"ht", "sx", "dv", "gv", "fr"}, 1000000};
  if (name == "statewide") {
    Size s{1000000, 625000, {"ht"}};
    for (int i = 1; i < 58; ++i) s.units.push_back("c" + std::string(i < 10 ? "0" : "") + std::to_string(i));
    return s;
  }
  return {};
}

// splitmix64: the same numbers from the same seed on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  long below(long n) { return n <= 0 ? 0 : static_cast<long>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }
  std::string uuid() {
    const std::uint64_t a = next(), b = next();
    char out[37];
    std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0x0fff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return out;
  }

 private:
  std::uint64_t state_;
};

// Fictional names only.
constexpr const char* kFirst[] = {"Marcus", "Darnell", "Luis",  "Andre",  "Tyrone", "Kevin",  "Jamal",  "Carlos",
                                  "Devon",  "Ricky",   "Trevor", "Omar", "Brandon", "Dante", "Ian",    "Victor",
                                  "Shawna", "Tanya",   "Monica", "Kira", "Alicia", "Reggie", "Malik",  "Hector",
                                  "Jerome", "Felix",   "Ramon",  "Curtis", "Lamar", "Nadia",  "Terrence", "Wesley"};
constexpr const char* kLast[] = {"Whitfield", "Okafor", "Ramirez", "Bell",    "Hollis",  "Marsh",   "Greer",
                                 "Delgado",   "Prince", "Vance",   "Castillo", "Sutton", "Ng",      "Reyes",
                                 "Fontaine",  "Blake",  "Mercer",  "Quinn",   "Doyle",   "Harlan",  "Ibarra",
                                 "Pruitt",    "Salas",  "Tran",    "Osei",    "Lindqvist", "Moreau", "Acosta"};
constexpr const char* kAgencies[] = {"Oakland PD", "Alameda County Sheriff's Office", "Hayward PD", "Fremont PD",
                                     "Berkeley PD", "FBI Oakland Field Office", "CHP Golden Gate Division"};
constexpr const char* kAliases[] = {"Slim", "Boss", "Dre", "Kash", "Mack", "Lucky", "Prince", "Smoke"};
const std::vector<std::vector<std::string>> kChargeSets = {
    {"PC 236.1(c)(1)", "PC 266h(b)", "PC 267"},   {"PC 236.1(b)", "PC 266h(a)", "PC 266i(a)"},
    {"PC 236.1(a)", "PC 186.10"},                 {"PC 236.1(c)(2)", "PC 266h(b)", "PC 311.11"},
    {"PC 236.1(b)", "PC 182(a)"},                 {"PC 266h(a)", "PC 266i(a)"},
    {"PC 236.1(c)(1)", "PC 647(l)"},
};

// The stage a prosecution is heading for, weighted like a unit's caseload (percent).
Stage pick_target(Rng& rng) {
  const long r = rng.below(100);
  if (r < 5) return Stage::referred;
  if (r < 10) return Stage::declined;
  if (r < 14) return Stage::charged;
  if (r < 22) return Stage::arraigned;
  if (r < 27) return Stage::held_to_answer;
  if (r < 45) return Stage::pretrial;
  if (r < 48) return Stage::trial;
  if (r < 62) return Stage::convicted;
  if (r < 80) return Stage::sentenced;
  if (r < 84) return Stage::acquitted;
  return Stage::dismissed;
}

std::vector<std::string> path_to(Stage stage, bool indicted, Rng& rng) {
  std::vector<std::string> pre = {indicted ? "indict" : "file_complaint"};
  if (rng.chance(45)) pre.emplace_back("book");
  pre.emplace_back("arraign");
  if (rng.chance(30)) pre.emplace_back("waive_time");
  std::vector<std::string> pretrial = pre;
  if (!indicted) {
    pretrial.emplace_back("hold_to_answer");
    pretrial.emplace_back("arraign_on_information");
  }
  pretrial.emplace_back("set_trial_date");
  auto with = [](std::vector<std::string> v, std::initializer_list<const char*> more) {
    for (const char* m : more) v.emplace_back(m);
    return v;
  };
  switch (stage) {
    case Stage::referred: return {};
    case Stage::declined: return {"decline"};
    case Stage::charged: return {indicted ? "indict" : "file_complaint"};
    case Stage::arraigned: return pre;
    case Stage::held_to_answer: return indicted ? pre : with(pre, {"hold_to_answer"});
    case Stage::pretrial: return pretrial;
    case Stage::trial: return with(pretrial, {"start_trial"});
    case Stage::convicted: return with(pretrial, {"plead_guilty"});
    case Stage::acquitted: return with(pretrial, {"start_trial", "verdict_not_guilty"});
    case Stage::dismissed: return with(pre, {"dismiss"});
    case Stage::sentenced: return with(pretrial, {"start_trial", "verdict_guilty", "sentence"});
  }
  return {};
}

// COPY text format: \N for NULL; backslash, tab, newline and carriage return escaped.
class Rows {
 public:
  Rows& text(const std::string& v) {
    sep();
    for (char c : v) {
      switch (c) {
        case '\\': buf_ += "\\\\"; break;
        case '\t': buf_ += "\\t"; break;
        case '\n': buf_ += "\\n"; break;
        case '\r': buf_ += "\\r"; break;
        default: buf_ += c;
      }
    }
    return *this;
  }
  Rows& null() {
    sep();
    buf_ += "\\N";
    return *this;
  }
  Rows& opt(const std::optional<std::string>& v) { return v ? text(*v) : null(); }
  Rows& num(long long v) { return text(std::to_string(v)); }
  void end() {
    buf_ += '\n';
    first_ = true;
    ++count_;
  }
  [[nodiscard]] const std::string& data() const { return buf_; }
  [[nodiscard]] long count() const { return count_; }
  void clear() {
    buf_.clear();
    count_ = 0;
  }

 private:
  void sep() {
    if (!first_) buf_ += '\t';
    first_ = false;
  }
  std::string buf_;
  bool first_ = true;
  long count_ = 0;
};

Status copy_in(PGconn* conn, const std::string& table_and_columns, const Rows& rows) {
  if (rows.count() == 0) return {};
  const std::string sql = "COPY " + table_and_columns + " FROM STDIN";
  PGresult* r = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COPY_IN;
  std::string why = ok ? "" : PQerrorMessage(conn);
  PQclear(r);
  if (!ok) return Error::of(ErrorCode::internal, "COPY " + table_and_columns + ": " + why);
  const std::string& d = rows.data();
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t off = 0; off < d.size(); off += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, d.size() - off));
    if (PQputCopyData(conn, d.data() + off, n) != 1)
      return Error::of(ErrorCode::internal, std::string("COPY data: ") + PQerrorMessage(conn));
  }
  if (PQputCopyEnd(conn, nullptr) != 1) return Error::of(ErrorCode::internal, PQerrorMessage(conn));
  Status status;
  while ((r = PQgetResult(conn)) != nullptr) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      status = Error::of(ErrorCode::internal, "COPY " + table_and_columns + ": " + PQresultErrorMessage(r));
    PQclear(r);
  }
  return status;
}

std::string ts(TimePoint t) { return format_utc_micros(t); }

sys_days local_day(TimePoint t) {
  auto d = CourtCalendar::local_date(t);
  return d ? *d : floor<days>(t);
}

std::string dob_text(Rng& rng) {
  const sys_days d = sys_days{year{1960} / January / 1} + days{rng.below(365 * 44)};
  return format_date(d);
}

class Progress {
 public:
  Progress(long total, bool on) : total_(total), on_(on) {}
  void show(long done) {
    if (!on_) return;
    const int width = 40;
    const int filled = total_ > 0 ? static_cast<int>(done * width / total_) : width;
    std::fprintf(stderr, "\rgen-data [%s%s] %3ld%% %ld/%ld prosecutions", std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), total_ > 0 ? done * 100 / total_ : 100, done, total_);
    if (done >= total_) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  long total_;
  bool on_;
};

struct Tables {
  Rows users, persons, cases, dockets, prosecutions, charges, transitions, deadlines, hearings, hearing_changes;
  void clear() {
    for (Rows* r : {&users, &persons, &cases, &dockets, &prosecutions, &charges, &transitions, &deadlines, &hearings,
                    &hearing_changes})
      r->clear();
  }
};

Status flush(PGconn* conn, Tables& t) {
  for (auto [name, rows] : std::initializer_list<std::pair<const char*, Rows*>>{
           {"users (id, username, display_name, role, unit, password_hash, created_at)", &t.users},
           {"persons (id, name, dob, aliases, created_at)", &t.persons},
           {"cases (id, da_number, title, unit, referring_agency, referral_date, lead_dda_id, version, created_at,"
            " updated_at)",
            &t.cases},
           {"case_dockets (case_id, docket, normalized)", &t.dockets},
           {"prosecutions (id, case_id, person_id, stage, custody, warrant, indicted, time_waived, trial_date,"
            " next_appearance, version, created_at, updated_at)",
            &t.prosecutions},
           {"charges (id, prosecution_id, ordinal, statute, count, enhancements, filed_on, offense_date, disposition,"
            " disposition_date, sentence, created_at)",
            &t.charges},
           {"prosecution_transitions (id, prosecution_id, seq, event, occurred_at, recorded_at, actor_id, from_stage,"
            " to_stage, fields)",
            &t.transitions},
           {"deadlines (id, prosecution_id, rule_id, citation, count_unit, trigger, trigger_date, trigger_at, due_date,"
            " due_at, status, met_on_time, resolved_on, note, created_at, updated_at)",
            &t.deadlines},
           {"court_events (id, case_id, prosecution_id, kind, starts_at, ends_at, department, judge, status, result,"
            " source, source_key, docket, sequence, original_starts_at, cancelled_at, created_by, created_at,"
            " updated_at)",
            &t.hearings},
           {"court_event_changes (event_id, sequence, change, new_starts_at, at, by)", &t.hearing_changes}}) {
    if (auto s = copy_in(conn, name, *rows); !s) return s;
  }
  t.clear();
  return {};
}

Status exec(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string why = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  if (!ok) return Error::of(ErrorCode::internal, std::string(sql) + ": " + why);
  return {};
}

// Generates one prosecution (its person, counts, log, projection and deadlines) into `t`.
struct Generator {
  Rng& rng;
  TimePoint as_of;
  const CourtCalendar& calendar;
  Tables& t;
  long transitions = 0;

  // Hearings of one case: arraignment, preliminary hearing, readiness, motions, trial and
  // sentencing in that order; past ones held (a few continued or cancelled), future ones scheduled.
  void hearings(long n, const std::string& case_id, const std::vector<std::string>& prosecutions,
                const std::string& docket, sys_days referral, const std::string& actor) {
    static constexpr const char* kKinds[] = {"arraignment", "preliminary_hearing", "readiness", "motion",
                                             "motion",      "trial",               "sentencing", "restitution"};
    sys_days day = referral;
    for (long k = 0; k < n; ++k) {
      day += days(7 + rng.below(35));
      while (!calendar.is_court_day(day)) day += days(1);
      const std::string id = rng.uuid();
      const TimePoint starts = TimePoint(sys_days(day)) + hours(16) + minutes(30 * rng.below(12));
      const bool past = starts < as_of;
      std::string status = past ? "held" : "scheduled";
      if (past && rng.chance(8)) status = "continued";
      if (rng.chance(3)) status = "cancelled";
      const std::string prosecution =
          prosecutions.empty() || rng.chance(30) ? std::string() : prosecutions[rng.below(static_cast<long>(prosecutions.size()))];
      const std::string created = ts(TimePoint(sys_days(referral)) + hours(17));
      const std::string dept = "Dept. " + std::to_string(1 + rng.below(30));
      t.hearings.text(id).text(case_id).opt(prosecution.empty() ? std::nullopt : std::optional<std::string>(prosecution))
          .text(kKinds[std::min<long>(k, std::size(kKinds) - 1)]).text(ts(starts)).null().text(dept).text("")
          .text(status).text(status == "held" ? "held as scheduled" : "").text("manual").text("manual:" + id)
          .text(docket).num(0).text(ts(starts))
          .opt(status == "cancelled" ? std::optional<std::string>(ts(std::min(starts, as_of) - hours(48))) : std::nullopt)
          .text(actor).text(created).text(created).end();
      t.hearing_changes.text(id).num(0).text("created").text(ts(starts)).text(created).text(actor).end();
    }
  }

  std::string prosecution(const std::string& case_id, sys_days referral, const std::string& actor) {
    const std::string id = rng.uuid();
    const std::string person_id = rng.uuid();
    const TimePoint created = TimePoint(sys_days(referral)) + hours(16) + minutes(rng.below(240));
    {
      std::string name = std::string(kFirst[rng.below(std::size(kFirst))]) + " " +
                         kLast[rng.below(std::size(kLast))];
      std::string aliases = "{}";
      if (rng.chance(25)) aliases = std::string("{\"") + kAliases[rng.below(std::size(kAliases))] + "\"}";
      t.persons.text(person_id).text(name).text(dob_text(rng)).text(aliases).text(ts(created)).end();
    }
    const Stage target = pick_target(rng);
    const bool indicted = rng.chance(12);
    std::vector<std::string> path = path_to(target, indicted, rng);
    if (!path.empty() && rng.chance(8) && target != Stage::declined) path.insert(path.begin() + 1, "issue_warrant");

    ProsecutionSnapshot snap;
    std::vector<Deadline> deadlines;
    std::map<std::string, TimePoint> deadline_created;
    int seq = 0;
    TimePoint at = created;
    TimePoint last = created;
    auto log = [&](const std::string& event, TimePoint occurred, Stage from, Stage to, const std::string& fields) {
      const TimePoint recorded = occurred + minutes(1 + rng.below(90));
      t.transitions.text(rng.uuid()).text(id).num(++seq).text(event).text(ts(occurred)).text(ts(recorded))
          .text(actor).text(to_string(from)).text(to_string(to)).text(fields).end();
      last = std::max(last, recorded);
      ++transitions;
    };
    for (const auto& name : path) {
      at += days(1 + rng.below(name == "set_trial_date" || name == "start_trial" ? 90 : 40)) + minutes(rng.below(120));
      if (at >= as_of) break;
      const sys_days day = local_day(at);
      // Counts are filed with the charging document.
      if (name == "file_complaint" || name == "indict") {
        const auto& set = kChargeSets[rng.below(std::size(kChargeSets))];
        const long n = 1 + rng.below(static_cast<long>(set.size()));
        for (long i = 0; i < n; ++i) {
          Charge c;
          c.id = rng.uuid();
          c.statute = set[i];
          c.count = static_cast<int>(i + 1);
          c.filed_on = day;
          c.offense_date = day - days(30 + rng.below(300));
          snap.charges.push_back(c);
          log(kAddChargeEvent, at, snap.stage, snap.stage, "{\"charge\":" + charge_to_json_text(c) + "}");
        }
      }
      lifecycle::LifecycleEvent e;
      e.name = name;
      e.occurred_at = at;
      e.court_date = day;
      if (name == "set_trial_date") e.trial_date = day + days(30 + rng.below(60));
      if (name == "sentence")
        for (const auto& c : snap.charges)
          if (is_conviction(c.disposition)) e.sentences[c.id] = "{\"prison_years\":" + std::to_string(2 + rng.below(12)) + "}";
      auto tr = lifecycle::apply(snap, e);
      if (!tr) break;  // the machine refuses: the prosecution rests where it is
      DeadlineEventContext context{name, at, day, snap, tr->snapshot, {}};
      context.facts.felony = true;
      context.facts.in_custody = tr->snapshot.custody == Custody::in;
      if (auto plan = plan_deadlines(deadlines, context, calendar)) {
        for (const auto& d : plan->changed)
          for (auto& existing : deadlines)
            if (existing.id == d.id) existing = d;
        for (auto d : plan->created) {
          d.id = rng.uuid();
          deadline_created[d.id] = at;
          deadlines.push_back(std::move(d));
        }
      }
      log(name, at, tr->from, tr->to, lifecycle::event_fields_json(e));
      snap = std::move(tr->snapshot);
    }
    const int version = 1 + seq;
    const std::string upd = ts(last);
    t.prosecutions.text(id).text(case_id).text(person_id).text(to_string(snap.stage)).text(to_string(snap.custody))
        .text(to_string(snap.warrant)).text(snap.indicted ? "t" : "f").text(snap.time_waived ? "t" : "f")
        .opt(snap.trial_date ? std::optional<std::string>(format_date(*snap.trial_date)) : std::nullopt)
        .opt(snap.next_appearance ? std::optional<std::string>(format_date(*snap.next_appearance)) : std::nullopt)
        .num(version).text(ts(created)).text(upd).end();
    int ordinal = 0;
    for (const auto& c : snap.charges) {
      std::string enh = "{";
      for (std::size_t i = 0; i < c.enhancements.size(); ++i) enh += (i ? "," : "") + std::string("\"") + c.enhancements[i] + "\"";
      enh += "}";
      t.charges.text(c.id).text(id).num(++ordinal).text(c.statute).num(c.count).text(enh)
          .opt(c.filed_on ? std::optional<std::string>(format_date(*c.filed_on)) : std::nullopt)
          .opt(c.offense_date ? std::optional<std::string>(format_date(*c.offense_date)) : std::nullopt)
          .text(to_string(c.disposition))
          .opt(c.disposition_date ? std::optional<std::string>(format_date(*c.disposition_date)) : std::nullopt)
          .opt(c.sentence).text(ts(created)).end();
    }
    const sys_days today = local_day(as_of);
    for (auto& d : deadlines) {
      auto rule = find_deadline_rule(d.rule_id);
      if (!rule) continue;
      if (d.status == DeadlineStatus::open && is_past_due(d, as_of, today)) {
        d.status = DeadlineStatus::missed;
        d.resolved_on = today;
      }
      const std::string c_at = ts(deadline_created[d.id]);
      t.deadlines.text(d.id).text(id).text(std::string(rule->id)).text(std::string(rule->citation))
          .text(to_string(rule->unit)).text(d.trigger).text(format_date(d.trigger_date))
          .opt(d.trigger_at ? std::optional<std::string>(ts(*d.trigger_at)) : std::nullopt)
          .text(format_date(d.due_date)).opt(d.due_at ? std::optional<std::string>(ts(*d.due_at)) : std::nullopt)
          .text(to_string(d.status))
          .opt(d.met_on_time ? std::optional<std::string>(*d.met_on_time ? "t" : "f") : std::nullopt)
          .opt(d.resolved_on ? std::optional<std::string>(format_date(*d.resolved_on)) : std::nullopt)
          .text(d.note).text(c_at).text(d.status == DeadlineStatus::open ? c_at : upd).end();
    }
    return id;
  }
};

}  // namespace

int gen_data(int argc, char** argv) {
  po::options_description desc("heatwatch gen-data options");
  add_common_options(desc);
  desc.add_options()("size", po::value<std::string>()->default_value("county"),
                     "county (5,000 prosecutions), office (50,000 cases, 80,000 prosecutions) or statewide "
                     "(1,000,000 prosecutions) (HEATWATCH_SIZE)")(
      "prosecutions", po::value<long>()->default_value(0),
      "an explicit number of prosecutions instead of --size (cases: about 5 for every 8)")(
      "seed", po::value<unsigned long>()->default_value(10), "random seed: the same seed gives the same rows")(
      "hearings", po::value<long>()->default_value(-1),
      "court_events rows (default: county 20,000, office 1,000,000, otherwise none); needs the court_events table")(
      "as-of", po::value<std::string>()->default_value("2026-06-30"),
      "the generated history ends on this date (YYYY-MM-DD); nothing happens after it")(
      "progress", po::value<std::string>()->default_value("auto"), "on|off|auto: a progress bar on stderr");
  int code = 0;
  auto vm = parse(argc, argv, desc,
                  "usage: heatwatch gen-data --db URL [--size county|office|statewide | --prosecutions N] [--seed N]\n"
                  "Loads deterministic, realistic cases, prosecutions, counts, transition logs and deadlines by COPY\n"
                  "into a migrated database that holds no generated data yet.",
                  code);
  if (!vm) return code;
  setup_logging(*vm);
  auto url = database_url(*vm);
  if (!url) return 2;
  Size size = size_named((*vm)["size"].as<std::string>());
  if (const long n = (*vm)["prosecutions"].as<long>(); n > 0) {
    size.prosecutions = n;
    size.cases = std::max(1L, n * 5 / 8);
    if (size.units.empty()) size.units = {"ht"};
  }
  if (const long h = (*vm)["hearings"].as<long>(); h >= 0) size.hearings = h;
  if (size.prosecutions <= 0) {
    std::cerr << "heatwatch: --size takes county, office or statewide (or give --prosecutions N)\n";
    return 2;
  }
  auto as_of_day = parse_date((*vm)["as-of"].as<std::string>(), "as-of");
  if (!as_of_day) {
    std::cerr << "heatwatch: --as-of takes YYYY-MM-DD\n";
    return 2;
  }
  const TimePoint as_of = TimePoint(sys_days(*as_of_day)) + hours(23);
  const std::string progress_mode = (*vm)["progress"].as<std::string>();
  const bool progress_on = progress_mode == "on" || (progress_mode == "auto" && isatty(2));

  auto pool = db::Pool::open(*url, 1);
  if (!pool) {
    spdlog::error("cannot connect to the database: {}", pool.error().message);
    return 1;
  }
  auto lease = (*pool)->acquire();
  if (!lease) {
    spdlog::error("{}", lease.error().message);
    return 1;
  }
  PGconn* conn = db::native_connection(**lease);
  {
    PGresult* r = PQexec(conn, "SELECT count(*) FROM users WHERE username LIKE 'gen.%'");
    const bool loaded = PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) != "0";
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string why = ok ? "" : PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) {
      std::cerr << "heatwatch: gen-data needs a migrated database (run heatwatch migrate): " << why << "\n";
      return 1;
    }
    if (loaded) {
      std::cerr << "heatwatch: this database already holds generated data; use a fresh one\n";
      return 1;
    }
  }

  {
    PGresult* r = PQexec(conn, "SELECT to_regclass('court_events') IS NOT NULL");
    const bool exists = PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "t";
    PQclear(r);
    if (!exists && size.hearings > 0) {
      spdlog::warn("no court_events table in this schema: no hearings generated");
      size.hearings = 0;
    }
  }
  // The dashboard's aggregates (V0008), where present, are rebuilt set-wise once at the end
  // rather than row by row by their triggers during the load (metric_rebuild()).
  bool rebuild_metrics = false;
  {
    PGresult* r = PQexec(conn, "SELECT to_regproc('metric_rebuild') IS NOT NULL");
    rebuild_metrics = PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "t";
    PQclear(r);
  }
  Rng rng((*vm)["seed"].as<unsigned long>() * 0x2545F4914F6CDD1DULL + 1);
  Tables t;
  const CourtCalendar calendar;
  const TimePoint created_at = TimePoint(sys_days{year{2018} / December / 1});
  // DDAs: about one for every 250 prosecutions of a unit, at least three per unit. They cannot sign in.
  std::map<std::string, std::vector<std::string>> ddas;
  const long per_unit = std::max(3L, size.prosecutions / static_cast<long>(size.units.size()) / 250);
  for (const auto& unit : size.units)
    for (long i = 1; i <= per_unit; ++i) {
      const std::string id = rng.uuid();
      ddas[unit].push_back(id);
      t.users.text(id).text("gen." + unit + ".dda" + std::to_string(i)).text("Generated DDA " + unit + " " + std::to_string(i))
          .text("dda").text(unit).text("!generated: no password").text(ts(created_at)).end();
    }

  Generator gen{rng, as_of, calendar, t};
  Progress progress(size.prosecutions, progress_on);
  const sys_days first_referral{year{2019} / January / 1};
  const long span = (sys_days(*as_of_day) - first_referral).count() - 30;
  std::map<std::string, long> numbers;  // per unit and year
  long done = 0;
  long hearings_done = 0;
  const long chunk = 5000;
  for (long c = 0; c < size.cases; ++c) {
    const std::string unit = size.units[rng.below(static_cast<long>(size.units.size()))];
    const std::string case_id = rng.uuid();
    // Referrals grow a little over the years (more recent cases), as units grow.
    const long offset = std::max(rng.below(span), rng.below(span));
    const sys_days referral = first_referral + days(offset);
    const year_month_day ymd{referral};
    const int y = static_cast<int>(ymd.year());
    const long number = ++numbers[unit + std::to_string(y)];
    char da[48];
    std::string prefix = unit;
    for (char& ch : prefix) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::snprintf(da, sizeof da, "%s-%d-%06ld", prefix.c_str(), y, number);
    const auto& team = ddas[unit];
    const std::string lead = team[rng.below(static_cast<long>(team.size()))];
    const TimePoint created = TimePoint(sys_days(referral)) + hours(16);
    // Defendants of this case: the rest of the prosecutions are spread over the remaining cases.
    const long left_cases = size.cases - c;
    const long left = size.prosecutions - done;
    long defendants = left;
    if (left_cases > 1) {
      const long extra_pct = (left - left_cases) * 100 / left_cases;  // expected co-defendants per case, percent
      defendants = 1 + extra_pct / 100 + (rng.chance(static_cast<int>(extra_pct % 100)) ? 1 : 0);
      defendants = std::max(1L, std::min(defendants, left - (left_cases - 1)));
    }
    t.cases.text(case_id).text(da).text(std::string("People v. ") + kLast[rng.below(std::size(kLast))])
        .text(unit).text(kAgencies[rng.below(std::size(kAgencies))]).text(format_date(referral)).text(lead)
        .num(1).text(ts(created)).text(ts(created)).end();
    char docket[32];
    std::snprintf(docket, sizeof docket, "%02d-CR-%07ld", y % 100, c + 1);
    t.dockets.text(case_id).text(docket).text(normalize_docket(docket)).end();
    std::vector<std::string> prosecutions;
    for (long d = 0; d < defendants && done < size.prosecutions; ++d, ++done)
      prosecutions.push_back(gen.prosecution(case_id, referral, lead));
    if (size.hearings > 0) {
      const long left_h = size.hearings - hearings_done;
      long n = left_h;
      if (left_cases > 1) {
        const long per = left_h * 100 / left_cases;  // per case, percent
        n = std::min(left_h, per / 100 + (rng.chance(static_cast<int>(per % 100)) ? 1 : 0));
      }
      gen.hearings(n, case_id, prosecutions, docket, referral, lead);
      hearings_done += n;
    }
    if (t.prosecutions.count() >= chunk || c + 1 == size.cases) {
      if (auto s = exec(conn, "BEGIN"); !s) return (spdlog::error("{}", s.error().message), 1);
      if (rebuild_metrics)
        if (auto s = exec(conn, "SELECT set_config('heatwatch.metrics_rebuild', 'on', true)"); !s)
          return (spdlog::error("{}", s.error().message), 1);
      if (auto s = flush(conn, t); !s) {
        spdlog::error("{}", s.error().message);
        return 1;
      }
      if (auto s = exec(conn, "COMMIT"); !s) return (spdlog::error("{}", s.error().message), 1);
      progress.show(done);
    }
  }
  if (rebuild_metrics) {
    if (progress_on) std::fprintf(stderr, "gen-data: rebuilding the dashboard aggregates\n");
    if (auto s = exec(conn, "SELECT metric_rebuild()"); !s) return (spdlog::error("{}", s.error().message), 1);
  }
  // The prosecutions' read model (V0015), where present, likewise: its triggers stood aside.
  {
    PGresult* r = PQexec(conn, "SELECT to_regproc('prosecution_reads_rebuild') IS NOT NULL");
    const bool present = PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "t";
    PQclear(r);
    if (present) {
      if (progress_on) std::fprintf(stderr, "gen-data: rebuilding the prosecutions' read model\n");
      if (auto s = exec(conn, "SELECT prosecution_reads_rebuild()"); !s)
        return (spdlog::error("{}", s.error().message), 1);
    }
  }
  // One audit entry records the load itself.
  try {
    soci::transaction tx(**lease);
    AuditEntry a;
    a.at = as_of;
    a.actor_username = "cli:gen-data";
    a.action = "data.generate";
    a.entity = "database";
    a.outcome = "success";
    a.remote_address = "local";
    json::object details{{"prosecutions", done}, {"cases", size.cases}, {"seed", (*vm)["seed"].as<unsigned long>()},
                         {"transitions", gen.transitions}, {"hearings", hearings_done}};
    a.details = json::serialize(details);
    db::append_audit(**lease, a);
    tx.commit();
  } catch (const std::exception& e) {
    spdlog::error("audit entry: {}", e.what());
    return 1;
  }
  if (auto s = exec(conn, "ANALYZE"); !s) spdlog::warn("{}", s.error().message);
  std::cout << "generated " << done << " prosecutions in " << size.cases << " cases (" << gen.transitions
            << " log rows, " << hearings_done << " hearings)\n";
  return 0;
}

}  // namespace heat::cli
