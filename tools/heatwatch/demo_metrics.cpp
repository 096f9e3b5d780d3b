#include "tools/heatwatch/demo_metrics.hpp"

#include "api/auth/accounts.hpp"
#include "api/auth/auth_service.hpp"
#include "db/case_store.hpp"
#include "db/field_cipher.hpp"
#include "db/identity_store.hpp"
#include "db/victim_store.hpp"
#include "engine/court_calendar.hpp"
#include "engine/metrics.hpp"
#include "workflows/prosecution_events.hpp"

#include <spdlog/spdlog.h>

#include <random>

namespace heat::cli {
namespace {

using namespace std::chrono;

// Lead counts from every category of the catalog, weighted towards the unit's usual work.
const std::vector<std::vector<std::string>> kChargeSets = {
    {"PC 236.1(c)(1)", "PC 266h(b)"}, {"PC 236.1(c)(1)", "PC 267"},  {"PC 236.1(b)", "PC 266h(a)"},
    {"PC 236.1(b)", "PC 266i(a)"},    {"PC 236.1(a)", "PC 186.10"}, {"PC 266h(a)", "PC 266i(a)"},
    {"PC 311.4(b)", "PC 311.11"},     {"PC 288(a)", "PC 266j"},     {"PC 647(l)"},
    {"PC 236.1(c)(2)", "PC 182(a)"},
};

// Outcome scripts: the events after the complaint, in order.
enum class Script { pending_early, pending_pretrial, trial_now, plea_early, plea_late, verdict, acquittal, mistrial_plea,
                    dismissal, refiled_pending, refiled_plea, declined };

std::vector<std::string> events_of(Script s, bool sentence) {
  const std::vector<std::string> pretrial = {"file_complaint", "book", "arraign", "hold_to_answer",
                                             "arraign_on_information", "set_trial_date"};
  auto plus = [](std::vector<std::string> v, std::initializer_list<const char*> more) {
    for (const char* m : more) v.emplace_back(m);
    return v;
  };
  std::vector<std::string> out;
  switch (s) {
    case Script::pending_early: out = {"file_complaint", "book", "arraign"}; break;
    case Script::pending_pretrial: out = pretrial; break;
    case Script::trial_now: out = plus(pretrial, {"start_trial"}); break;
    case Script::plea_early: out = {"file_complaint", "arraign", "plead_guilty"}; break;
    case Script::plea_late: out = plus(pretrial, {"plead_guilty"}); break;
    case Script::verdict: out = plus(pretrial, {"start_trial", "verdict_guilty"}); break;
    case Script::acquittal: out = plus(pretrial, {"start_trial", "verdict_not_guilty", "release"}); break;
    case Script::mistrial_plea: out = plus(pretrial, {"start_trial", "mistrial", "plead_guilty"}); break;
    case Script::dismissal: out = {"file_complaint", "arraign", "dismiss"}; break;
    case Script::refiled_pending: out = {"file_complaint", "arraign", "dismiss", "refile", "arraign"}; break;
    case Script::refiled_plea: out = {"file_complaint", "arraign", "dismiss", "refile", "arraign", "plead_guilty"}; break;
    case Script::declined: out = {"decline"}; break;
  }
  if (sentence && (s == Script::plea_early || s == Script::plea_late || s == Script::verdict ||
                   s == Script::mistrial_plea || s == Script::refiled_plea))
    out.emplace_back("sentence");
  return out;
}

// Roughly a unit's mix: most concluded prosecutions end in a plea.
constexpr Script kScripts[] = {
    Script::plea_early, Script::plea_late,        Script::plea_late,   Script::plea_early,   Script::verdict,
    Script::dismissal,  Script::pending_pretrial, Script::acquittal,   Script::plea_late,    Script::pending_early,
    Script::plea_early, Script::mistrial_plea,    Script::trial_now,   Script::refiled_plea, Script::dismissal,
    Script::verdict,    Script::refiled_pending,  Script::plea_late,   Script::declined,     Script::pending_pretrial,
};

Result<User> ensure_user(db::PgIdentityStore& store, const Clock& clock, const auth::AccountRequest& request) {
  auto found = store.find_user_by_username(request.username);
  if (!found) return found.error();
  if (*found) return **found;
  AuditEntry audit = auth::audit_entry(clock.now(), nullptr, "user.create", "user", "", "success", "local");
  audit.actor_username = "cli:demo";
  return auth::create_account(store, request, audit);
}

struct Made {
  std::string prosecution_id;
  std::string unit;
  sys_days referral{};
  bool concluded = false;
  sys_days last_event{};  // a date shortly after its last event
};

// Victims' demographics, drawn with these weights.
struct Weighted {
  const char* value;
  int weight;
};
constexpr Weighted kGenders[] = {{"female", 34}, {"male", 7}, {"nonbinary", 2}, {"unknown", 1}};
constexpr Weighted kRaces[] = {{"Black", 16}, {"Hispanic or Latino", 13}, {"White", 7}, {"Asian", 4},
                               {"Multiracial", 3}, {"Pacific Islander", 1}};
struct Residence {
  const char* city;
  const char* county;
  const char* state;
  int weight;
};
constexpr Residence kResidences[] = {
    {"Oakland", "Alameda", "CA", 16},        {"Hayward", "Alameda", "CA", 6},       {"Fremont", "Alameda", "CA", 3},
    {"Richmond", "Contra Costa", "CA", 6},   {"San Francisco", "San Francisco", "CA", 4},
    {"San Jose", "Santa Clara", "CA", 3},    {"Sacramento", "Sacramento", "CA", 3}, {"Los Angeles", "Los Angeles", "CA", 2},
    {"Las Vegas", "Clark", "NV", 2},         {"Portland", "Multnomah", "OR", 1},
};
constexpr const char* kStatuses[] = {"referred", "engaged", "engaged", "completed", "completed", "declined"};
constexpr const char* kDomains[] = {"safety_housing", "medical", "mental_health", "education", "legal_immigration", "family"};

template <class T, std::size_t N>
const T& draw(const T (&items)[N], std::mt19937& rng) {
  int total = 0;
  for (const auto& i : items) total += i.weight;
  int r = static_cast<int>(rng() % static_cast<unsigned>(total));
  for (const auto& i : items) {
    if (r < i.weight) return i;
    r -= i.weight;
  }
  return items[0];
}

}  // namespace

int load_demo_metrics(db::Pool& pool, const Clock& clock, const std::vector<User>& ddas, const std::string& password,
                      unsigned seed, std::ostream& out) {
  db::PgIdentityStore identity(pool);
  db::PgCaseStore cases(pool);
  std::mt19937 rng(seed * 7919u + 11u);
  const Authorizer anyone = [](const RecordContext&) -> Status { return {}; };

  auto dda3 = ensure_user(identity, clock, {"demo.dda3", "Demo DDA Three", "dda", "sx", "", password});
  if (!dda3) {
    spdlog::error("cannot create demo.dda3: {}", dda3.error().message);
    return 1;
  }
  std::vector<std::pair<User, std::string>> leads;  // (lead, unit)
  for (const auto& d : ddas) leads.emplace_back(d, "ht");
  leads.emplace_back(*dda3, "sx");

  constexpr int kCases = 52;
  const sys_days first = sys_days{year{2023} / January / 9};
  std::vector<Made> made;
  int prosecutions = 0;
  for (int i = 0; i < kCases; ++i) {
    // Every third case in the second unit; referrals spread over 2023-2026, some quarters busier.
    const auto& chosen = leads[i % 3 == 2 ? leads.size() - 1 : static_cast<std::size_t>(i) % (leads.size() - 1)];
    const User& lead = chosen.first;
    const std::string& unit = chosen.second;
    auto audit_as = [&](const std::string& action) {
      AuditEntry a = auth::audit_entry(clock.now(), nullptr, action, "", "", "success", "local");
      a.actor_id = lead.id;
      a.actor_username = lead.username;
      return a;
    };
    NewCase nc;
    nc.da_number = (unit == "ht" ? "HT-" : "SX-") + std::to_string(2023 + i * 3 / kCases) + "-" +
                   std::to_string(700100 + i);
    nc.unit = unit;
    nc.referring_agency = i % 2 ? "Oakland PD" : "Alameda County Sheriff's Office";
    nc.referral_date = first + days(i * 24 + static_cast<int>(rng() % 20));
    nc.lead_dda_id = lead.id;
    nc.title = "People v. Doe " + std::to_string(i + 1);
    auto c = cases.create_case(nc, audit_as("case.create"), nullptr);
    if (!c) {
      spdlog::error("case {}: {}", nc.da_number, c.error().message);
      return 1;
    }
    const int defendants = i % 5 == 0 ? 2 : 1;
    for (int d = 0; d < defendants; ++d) {
      NewProsecution np;
      np.case_id = c->id;
      np.person.name = "Defendant " + std::to_string(i + 1) + (d ? "B" : "A");
      auto p = cases.create_prosecution(np, anyone, audit_as("prosecution.create"), nullptr);
      if (!p) {
        spdlog::error("prosecution in {}: {}", nc.da_number, p.error().message);
        return 1;
      }
      ++prosecutions;
      // Recent referrals are still pending more often.
      Script script = kScripts[rng() % std::size(kScripts)];
      const bool recent = nc.referral_date > sys_days{year{2026} / March / 1};
      if (recent && rng() % 2 == 0) script = rng() % 2 ? Script::pending_early : Script::pending_pretrial;
      TimePoint when = time_point_cast<microseconds>(nc.referral_date + days(2 + rng() % 20)) + hours(17);
      if (script != Script::declined) {
        const auto& set = kChargeSets[rng() % kChargeSets.size()];
        for (const auto& statute : set) {
          NewCharge ch;
          ch.statute = statute;
          if (statute.rfind("PC 236.1", 0) == 0 && rng() % 4 == 0) ch.enhancements = {"PC 236.4(b)"};
          ch.filed_on = floor<days>(when);
          ch.offense_date = nc.referral_date - days(5 + rng() % 90);
          std::string charge_id;
          auto added = cases.add_charge(p->id, ch, when, anyone, audit_as("charge.create"), charge_id, nullptr);
          if (!added) {
            spdlog::error("charge {}: {}", statute, added.error().message);
            return 1;
          }
        }
      }
      const bool sentence = rng() % 3 != 0;
      bool concluded = false;
      // Days between events: a fast track for early pleas, months for trials.
      const int pace = 8 + static_cast<int>(rng() % 40);
      for (const auto& name : events_of(script, sentence)) {
        lifecycle::LifecycleEvent e;
        e.name = name;
        e.occurred_at = when;
        if (auto local = CourtCalendar::local_date(when)) e.court_date = *local;
        if (name == "set_trial_date") e.trial_date = floor<days>(when) + days(120);
        if (name == "plead_guilty" && rng() % 3 == 0) e.lesser_offense = true;
        if (name == "sentence") {
          auto current = cases.get_prosecution(p->id);
          if (current && *current)
            for (const auto& ch : (*current)->snapshot.charges)
              if (is_conviction(ch.disposition)) e.sentences[ch.id] = R"({"prison_years":)" + std::to_string(3 + rng() % 10) + "}";
        }
        auto applied = cases.apply_event(p->id, std::nullopt, lifecycle::decider_for(e), anyone,
                                         audit_as("prosecution.event"), nullptr);
        if (!applied) {
          spdlog::error("{} on {} ({}): {}", name, p->id, nc.da_number, applied.error().message);
          return 1;
        }
        concluded = counts_as_concluded(applied->snapshot.stage);
        when += days(pace + static_cast<int>(rng() % (name == "start_trial" ? 20 : 45)));
      }
      made.push_back({p->id, unit, nc.referral_date, concluded, floor<days>(when)});
    }
  }
  out << "loaded the dashboard's demo prosecutions: " << kCases << " cases, " << prosecutions
      << " prosecutions in units ht and sx (demo.dda3 leads sx)\n";

  // Victims need the encryption key; without it the dashboard's victims panel stays empty.
  auto keys = db::AesGcmCipher::keys_from_environment();
  if (!keys) {
    out << "no encryption key configured (HEATWATCH_ENCRYPTION_KEY): demo victims skipped\n";
    return 0;
  }
  const db::AesGcmCipher cipher(std::move(*keys));
  db::PgVictimStore victims(pool, cipher);
  auto victim_audit = [&](const std::string& action, TimePoint at) {
    AuditEntry a = auth::audit_entry(at, nullptr, action, "", "", "success", "local");
    a.actor_id = ddas.front().id;
    a.actor_username = ddas.front().username;
    return a;
  };
  const VictimAuthorizer any_victim = [](const RecordContext&) -> Status { return {}; };
  std::vector<const Made*> ht;
  for (const auto& m : made)
    if (m.unit == "ht") ht.push_back(&m);
  constexpr int kVictims = 46;
  int reviewed = 0;
  for (int i = 0; i < kVictims; ++i) {
    const Made& link = *ht[static_cast<std::size_t>(i) % ht.size()];
    NewVictim nv;
    nv.unit = "ht";
    nv.gender = parse_gender(draw(kGenders, rng).value).value();
    nv.race_ethnicity = draw(kRaces, rng).value;
    const Residence& home = draw(kResidences, rng);
    nv.residence_city = home.city;
    nv.residence_county = home.county;
    nv.residence_state = home.state;
    nv.identity.legal_name = "Demo Victim " + std::to_string(i + 1);
    // About half were minors at the offense: born 13 to 17 years before the referral; the
    // others 18 to 30 years before; a few without a known date of birth.
    if (i % 9 != 8) {
      const int age = i % 2 == 0 ? 13 + static_cast<int>(rng() % 5) : 19 + static_cast<int>(rng() % 12);
      nv.identity.dob = link.referral - days(age * 365 + 100 + static_cast<int>(rng() % 200));
    }
    const TimePoint recorded = time_point_cast<microseconds>(link.referral + days(1)) + hours(18);
    auto v = victims.create_victim(nv, victim_audit("victim.create", recorded), nullptr);
    if (!v) {
      spdlog::error("victim: {}", v.error().message);
      return 1;
    }
    if (auto l = victims.link(v->id, link.prosecution_id, "named_victim", any_victim, victim_audit("victim.link", recorded),
                                nullptr);
        !l) {
      spdlog::error("victim link: {}", l.error().message);
      return 1;
    }
    // A few victims of a concluded prosecution appear again in a referral within the year
    // after it (re-victimization).
    if (i % 5 == 3 && link.concluded) {
      for (const Made* later : ht)
        if (later->referral > link.last_event && later->referral <= link.last_event + days(330)) {
          (void)victims.link(v->id, later->prosecution_id, "named_victim", any_victim,
                             victim_audit("victim.link", recorded), nullptr);
          break;
        }
    }
    const int items = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < items; ++k) {
      NewServiceItem item;
      item.domain = kDomains[rng() % std::size(kDomains)];
      item.provider = "Demo provider " + std::to_string(1 + rng() % 6);
      item.goal = "Demo goal";
      item.status = kStatuses[rng() % std::size(kStatuses)];
      if (auto added = victims.add_service_item(v->id, item, victim_audit("service_item.create", recorded), nullptr); !added) {
        spdlog::error("service item: {}", added.error().message);
        return 1;
      }
    }
    if (i % 2 == 0 && i % 9 != 8) {  // the minors: reviewed by the Safety Net team
      MdtReview review;
      review.victim_id = v->id;
      review.meeting_date = link.referral + days(14);
      review.whereabouts_known = true;
      review.safe_and_stable = rng() % 3 != 0;
      review.receiving_services = true;
      review.point_of_contact = "advocate";
      review.risk_level = rng() % 3 == 0 ? "high" : "medium";
      if (auto r = victims.add_review(review, victim_audit("mdt_review.create", recorded), nullptr); !r) {
        spdlog::error("review: {}", r.error().message);
        return 1;
      }
      ++reviewed;
    }
  }
  out << "loaded " << kVictims << " demo victims with service plans; " << reviewed << " Safety Net reviews\n";
  return 0;
}

}  // namespace heat::cli
