// heatwatch demo: loads a realistic trafficking unit ("ht") for demos and training — a few
// dozen cases across every lifecycle stage, Prop 35 and related charges, co-defendants,
// victims with service plans and a Safety Net (demo_victims.cpp), and the demo staff
// (demo.dda1, demo.dda2, demo.supervisor, demo.advocate, demo.mdt_partner). Stages are reached through the
// store's apply-event path (the same transaction, log and audit as the API), with occurred_at
// dates in the past. Idempotent: a database that already holds the demo cases is left alone.
#include "api/auth/accounts.hpp"
#include "api/auth/auth_service.hpp"
#include "api/auth/crypto.hpp"
#include "db/case_store.hpp"
#include "db/court_event_store.hpp"
#include "db/evidence_store.hpp"
#include "db/field_cipher.hpp"
#include "db/identity_store.hpp"
#include "db/pool.hpp"
#include "engine/court_calendar.hpp"
#include "tools/heatwatch/cli.hpp"
#include "tools/heatwatch/demo_victims.hpp"
#include "tools/heatwatch/demo_hearings.hpp"
#include "tools/heatwatch/demo_metrics.hpp"
#include "tools/heatwatch/evidence.hpp"
#include "workflows/prosecution_events.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <random>

namespace heat::cli {
namespace {

using namespace std::chrono;

constexpr const char* kUnit = "ht";
constexpr int kCases = 36;

std::string da_number(int i) {
  std::string n = std::to_string(900100 + i);
  return "HT-" + std::string(i < kCases / 2 ? "2024" : "2025") + "-" + n;
}

// Fictional names only.
constexpr const char* kFirst[] = {"Marcus", "Darnell", "Luis",   "Andre", "Tyrone",  "Kevin",  "Jamal", "Carlos",
                                  "Devon",  "Ricky",   "Trevor", "Omar",  "Brandon", "Dante",  "Ian",   "Victor",
                                  "Shawna", "Tanya",   "Monica", "Kira",  "Alicia",  "Reggie", "Malik", "Hector"};
constexpr const char* kLast[] = {"Whitfield", "Okafor", "Ramirez", "Bell",    "Hollis",  "Marsh",   "Greer",
                                 "Delgado",   "Prince", "Vance",   "Castillo", "Sutton", "Ng",      "Reyes",
                                 "Fontaine",  "Blake",  "Mercer",  "Quinn",   "Doyle",   "Harlan",  "Ibarra"};
constexpr const char* kAgencies[] = {"Oakland PD", "Alameda County Sheriff's Office", "Hayward PD", "Fremont PD",
                                     "Berkeley PD", "FBI Oakland Field Office", "CHP Golden Gate Division"};
constexpr const char* kAliases[] = {"Slim", "Boss", "Dre", "Kash", "Mack", "Lucky", "Prince", "Smoke"};

// The charges of one defendant: a Prop 35 count first, then related counts.
const std::vector<std::vector<std::string>> kChargeSets = {
    {"PC 236.1(c)(1)", "PC 266h(b)", "PC 267"},
    {"PC 236.1(b)", "PC 266h(a)", "PC 266i(a)"},
    {"PC 236.1(a)", "PC 186.10"},
    {"PC 236.1(c)(2)", "PC 266h(b)", "PC 311.11"},
    {"PC 236.1(b)", "PC 182(a)"},
    {"PC 266h(a)", "PC 266i(a)"},
    {"PC 236.1(c)(1)", "PC 647(l)"},
};

// The events that bring a new prosecution to each stage, in order.
std::vector<std::string> path_to(Stage stage, bool indicted) {
  const std::vector<std::string> charged = {indicted ? "indict" : "file_complaint"};
  std::vector<std::string> pretrial =
      indicted ? std::vector<std::string>{"indict", "book", "arraign", "set_trial_date"}
               : std::vector<std::string>{"file_complaint", "book", "arraign", "waive_time", "hold_to_answer",
                                          "arraign_on_information", "set_trial_date"};
  auto with = [](std::vector<std::string> v, std::initializer_list<const char*> more) {
    for (const char* m : more) v.emplace_back(m);
    return v;
  };
  switch (stage) {
    case Stage::referred: return {};
    case Stage::declined: return {"decline"};
    case Stage::charged: return with(charged, {"issue_warrant"});
    case Stage::arraigned: return {"file_complaint", "book", "arraign"};
    case Stage::held_to_answer: return {"file_complaint", "book", "arraign", "hold_to_answer", "release"};
    case Stage::pretrial: return pretrial;
    case Stage::trial: return with(pretrial, {"start_trial"});
    case Stage::convicted: return with(pretrial, {"plead_guilty"});
    case Stage::acquitted: return with(pretrial, {"start_trial", "verdict_not_guilty", "release"});
    case Stage::dismissed: return {"file_complaint", "arraign", "dismiss"};
    case Stage::sentenced: return with(pretrial, {"start_trial", "verdict_guilty", "sentence"});
  }
  return {};
}

struct DemoStaff {
  std::vector<User> ddas;
  User supervisor;
  User advocate;
};

Result<User> ensure_user(db::PgIdentityStore& store, const Clock& clock, const std::string& username,
                         const std::string& display, const std::string& role, const std::string& password,
                         bool& created, const std::string& agency_id = "") {
  auto found = store.find_user_by_username(username);
  if (!found) return found.error();
  if (*found) return **found;
  AuditEntry audit = auth::audit_entry(clock.now(), nullptr, "user.create", "user", "", "success", "local");
  audit.actor_username = "cli:demo";
  auto user = auth::create_account(store, {username, display, role, kUnit, agency_id, password}, audit);
  if (user) created = true;
  return user;
}

}  // namespace

int demo(int argc, char** argv) {
  po::options_description desc("heatwatch demo options");
  add_common_options(desc);
  desc.add_options()("password-stdin", po::bool_switch(),
                     "read the demo users' password as one line from standard input; otherwise one is generated "
                     "and printed when users are created")(
      "seed", po::value<unsigned>()->default_value(35), "random seed for the generated data (HEATWATCH_SEED)");
  int code = 0;
  auto vm = parse(argc, argv, desc, "usage: heatwatch demo --db URL [--password-stdin] [--seed N]", code);
  if (!vm) return code;
  setup_logging(*vm);
  auto url = database_url(*vm);
  if (!url) return 2;
  auto pool = db::Pool::open(*url, 1);
  if (!pool) {
    spdlog::error("cannot connect to the database: {}", pool.error().message);
    return 1;
  }
  auto clock = make_clock();
  db::PgIdentityStore identity(**pool);
  db::PgCaseStore cases(**pool);
  db::PgEvidenceStore evidence_store(**pool);
  // Victims' identities are sealed like real ones: the demo needs the server's key.
  auto keys = db::AesGcmCipher::keys_from_environment();
  if (!keys) {
    std::cerr << "heatwatch: demo needs the encryption key for victims' identity data: set "
                 "HEATWATCH_ENCRYPTION_KEY or HEATWATCH_ENCRYPTION_KEY_FILE ("
              << keys.error().message << ")\n";
    return 2;
  }
  const db::AesGcmCipher cipher(std::move(*keys));
  db::PgVictimStore victim_store(**pool, cipher);

  CaseFilter probe;
  probe.scope_unit = kUnit;
  probe.q = da_number(0);
  probe.limit = 1;
  auto existing = cases.list_cases(probe);
  if (!existing) {
    spdlog::error("cannot read cases: {}", existing.error().message);
    return 1;
  }
  if (!existing->empty()) {
    std::cout << "demo data already loaded (" << da_number(0) << " exists); nothing changed\n";
    return 0;
  }

  std::string password;
  bool generated = false;
  if ((*vm)["password-stdin"].as<bool>()) {
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    auto token = auth::random_token();
    if (!token) {
      spdlog::error("{}", token.error().message);
      return 1;
    }
    password = "Demo-" + token->substr(0, 20);
    generated = true;
  }
  DemoStaff staff;
  bool created_any = false;
  for (auto [name, display, role] : {std::tuple{"demo.dda1", "Demo DDA One", "dda"},
                                     std::tuple{"demo.dda2", "Demo DDA Two", "dda"},
                                     std::tuple{"demo.supervisor", "Demo Supervisor", "supervisor"},
                                     std::tuple{"demo.advocate", "Demo Advocate", "advocate"}}) {
    bool created = false;
    auto u = ensure_user(identity, *clock, name, display, role, password, created);
    if (!u) {
      std::cerr << "heatwatch: cannot create " << name << ": " << u.error().message;
      for (const auto& f : u.error().fields) std::cerr << ": " << f.field << " " << f.message;
      std::cerr << "\n";
      return u.error().code == ErrorCode::unavailable ? 1 : 2;
    }
    created_any = created_any || created;
    if (std::string(role) == "dda")
      staff.ddas.push_back(*u);
    else if (std::string(role) == "advocate")
      staff.advocate = *u;
    else
      staff.supervisor = *u;
  }

  std::mt19937 rng((*vm)["seed"].as<unsigned>());
  auto pick = [&](auto& array) -> decltype(auto) { return array[rng() % std::size(array)]; };
  const Authorizer anyone = [](const RecordContext&) -> Status { return {}; };
  int prosecutions = 0, events = 0, charges = 0, evidence_items = 0;
  const sys_days first_referral = sys_days{year{2024} / January / 8};
  std::size_t stage_cursor = 0;
  std::vector<DemoProsecution> victims_can_link;
  std::vector<DemoCase> demo_cases;  // for the court calendar below
  for (int i = 0; i < kCases; ++i) {
    const User& lead = staff.ddas[static_cast<std::size_t>(i) % staff.ddas.size()];
    auto audit_as = [&](const std::string& action) {
      AuditEntry a = auth::audit_entry(clock->now(), nullptr, action, "", "", "success", "local");
      a.actor_id = lead.id;
      a.actor_username = lead.username;
      return a;
    };
    NewCase nc;
    nc.da_number = da_number(i);
    nc.unit = kUnit;
    nc.referring_agency = pick(kAgencies);
    nc.referral_date = first_referral + days(i * 17);
    nc.lead_dda_id = lead.id;
    nc.dockets = {std::string(i < kCases / 2 ? "24" : "25") + "-CR-" + std::to_string(10400 + i * 7)};
    const int defendants = i % 3 == 0 ? 2 + static_cast<int>(rng() % 2) : 1;  // co-defendants in a third
    std::vector<Person> people;
    for (int d = 0; d < defendants; ++d) {
      Person p;
      p.name = std::string(pick(kFirst)) + " " + pick(kLast);
      p.dob = sys_days{year(1975 + static_cast<int>(rng() % 28)) / month(static_cast<unsigned>(1 + rng() % 12)) /
                        day(static_cast<unsigned>(1 + rng() % 28))};
      if (rng() % 2 == 0) p.aliases.emplace_back(pick(kAliases));
      people.push_back(std::move(p));
    }
    nc.title = "People v. " + people[0].name.substr(people[0].name.find(' ') + 1) + (defendants > 1 ? " et al." : "");
    auto made = cases.create_case(nc, audit_as("case.create"), nullptr);
    if (!made) {
      spdlog::error("case {}: {}", nc.da_number, made.error().message);
      return 1;
    }
    demo_cases.push_back({made->id, nc.dockets.front()});
    for (const auto& person : people) {
      NewProsecution np;
      np.case_id = made->id;
      np.person = person;
      auto p = cases.create_prosecution(np, anyone, audit_as("prosecution.create"), nullptr);
      if (!p) {
        spdlog::error("prosecution in {}: {}", nc.da_number, p.error().message);
        return 1;
      }
      ++prosecutions;
      victims_can_link.push_back({p->id, lead.id, nc.referral_date - days(20)});
      const Stage stage = kAllStages[stage_cursor++ % kAllStages.size()];
      const bool indicted = rng() % 4 == 0;
      TimePoint when = time_point_cast<microseconds>(nc.referral_date + days(3)) + hours(17);  // 09:00 or 10:00 local
      if (stage != Stage::referred && stage != Stage::declined) {
        const auto& set = kChargeSets[rng() % kChargeSets.size()];
        int count = 0;
        for (const auto& statute : set) {
          NewCharge nc2;
          nc2.statute = statute;
          nc2.count = ++count;
          if (statute.rfind("PC 236.1", 0) == 0 && rng() % 3 == 0) nc2.enhancements = {"PC 236.4(b)"};
          nc2.filed_on = nc.referral_date + days(3);
          nc2.offense_date = nc.referral_date - days(10 + rng() % 60);
          std::string charge_id;
          auto added = cases.add_charge(p->id, nc2, when, anyone, audit_as("charge.create"), charge_id, nullptr);
          if (!added) {
            spdlog::error("charge {}: {}", statute, added.error().message);
            return 1;
          }
          ++charges;
        }
      }
      for (const auto& name : path_to(stage, indicted)) {
        lifecycle::LifecycleEvent e;
        e.name = name;
        e.occurred_at = when;
        if (auto local = CourtCalendar::local_date(when)) e.court_date = *local;
        if (name == "set_trial_date") e.trial_date = floor<days>(when) + days(90);
        if (name == "plead_guilty" && rng() % 2 == 0) e.lesser_offense = true;
        if (name == "sentence") {
          auto current = cases.get_prosecution(p->id);
          if (current && *current)
            for (const auto& c : (*current)->snapshot.charges)
              if (is_conviction(c.disposition))
                e.sentences[c.id] = R"({"prison_years":)" + std::to_string(4 + rng() % 12) + "}";
        }
        auto applied = cases.apply_event(p->id, std::nullopt, lifecycle::decider_for(e), anyone,
                                         audit_as("prosecution.event"), nullptr);
        if (!applied) {
          spdlog::error("{} on {} ({}): {}", name, p->id, nc.da_number, applied.error().message);
          return 1;
        }
        ++events;
        when += days(10 + rng() % 25);
      }
    }
    // Evidence with its chain of custody in every other case; a disclosure in every fourth.
    if (i % 2 == 0) {
      const TimePoint collected = time_point_cast<microseconds>(nc.referral_date - days(2)) + hours(18);
      auto items = load_demo_evidence(evidence_store, made->id, collected, audit_as("evidence.create"), i % 4 == 0);
      if (!items) {
        spdlog::error("evidence in {}: {}", nc.da_number, items.error().message);
        return 1;
      }
      evidence_items += *items;
    }
  }
  auto safety_net = load_demo_victims(victim_store, *clock, kUnit, staff.advocate.id, staff.supervisor.id,
                                      victims_can_link, rng);
  if (!safety_net) {
    spdlog::error("victims and Safety Net: {}", safety_net.error().message);
    return 1;
  }
  bool created = false;
  auto partner = ensure_user(identity, *clock, "demo.mdt_partner", "Demo MDT Partner (CFS)", "mdt_partner", password,
                             created, safety_net->partner_agency_id);
  if (!partner) {
    spdlog::error("demo.mdt_partner: {}", partner.error().message);
    return 1;
  }
  created_any = created_any || created;
  // Hearings from a demo court feed (two days of its calendar) and one entered by hand.
  db::PgCourtEventStore court_events(**pool);
  AuditEntry hearing_audit = auth::audit_entry(clock->now(), nullptr, "feed.import", "", "", "success", "local");
  hearing_audit.actor_username = "demo";
  auto hearings = load_demo_hearings(court_events, demo_cases, kUnit, clock->now(), hearing_audit);
  if (!hearings) {
    spdlog::error("demo hearings: {}", hearings.error().message);
    return 1;
  }
  std::cout << "demo court calendar: " << *hearings << " hearings from the feed 'Demo Superior Court (Dept. 12)'\n";
  // The dashboard's data set (issue 9): more quarters, a second unit, victims.
  if (int rc = load_demo_metrics(**pool, *clock, staff.ddas, password, (*vm)["seed"].as<unsigned>(), std::cout); rc != 0)
    return rc;
  std::cout << "loaded the demo unit '" << kUnit << "': " << kCases << " cases, " << prosecutions << " prosecutions, "
            << charges << " charges, " << events << " lifecycle events, " << evidence_items << " evidence items, "
            << safety_net->victims << " victims (" << safety_net->service_items << " service items, "
            << safety_net->protective_orders << " protective orders), " << safety_net->meetings
            << " Safety Net meetings with " << safety_net->reviews << " reviews\n";
  std::cout << "demo users: demo.dda1, demo.dda2 (dda), demo.supervisor (supervisor), demo.advocate (advocate), "
               "demo.mdt_partner (mdt_partner), unit "
            << kUnit << "\n";
  if (created_any && generated) std::cout << "demo password (shown once): " << password << "\n";
  return 0;
}

}  // namespace heat::cli
