// The demo unit's victims and Safety Net (issue 6): pseudonymous victims (fictional names,
// sealed like real ones) linked to the demo prosecutions, their service plans, Marsy's Law
// entries, protective orders, the partner agencies with their MOU scopes, and the weekly
// Safety Net meetings with reviews — so the agenda, the advocate's views and the victims panel
// of the dashboard show something real. Everything goes through the victim store, with audit.
#include "tools/heatwatch/demo_victims.hpp"

#include "api/auth/auth_service.hpp"
#include "engine/cases.hpp"
#include "engine/court_calendar.hpp"

#include <boost/json.hpp>

namespace heat::cli {
namespace {

using namespace std::chrono;
namespace json = boost::json;

// Fictional names only.
constexpr const char* kGiven[] = {"Aaliyah", "Destiny", "Maya",    "Jasmine", "Brianna", "Sofia",  "Imani",
                                  "Keisha",  "Ariana",  "Nevaeh",  "Gabriela", "Mia",    "Zaria",  "Trinity",
                                  "Leilani", "Kayla",   "Valeria", "Jada",    "Amara",   "Selena", "Marisol",
                                  "Tiana",   "Naomi",   "Esperanza"};
constexpr const char* kGivenMale[] = {"Jordan", "Mateo", "Isaiah", "Elijah"};
constexpr const char* kFamily[] = {"Brooks", "Santos", "Nguyen", "Coleman", "Herrera", "Price", "Tran",
                                   "Washington", "Morales", "Lee", "Jenkins", "Flores", "Carter", "Vega"};
// The labels of demo_metrics.cpp's kRaces, so the dashboard's race groups do not split one
// group under two names.
constexpr const char* kRace[] = {"Black", "Hispanic or Latino", "Black", "Asian", "White", "Multiracial",
                                 "Pacific Islander", "Black", "Hispanic or Latino"};
struct Residence {
  const char* city;
  const char* county;
  const char* state;
};
constexpr Residence kResidences[] = {
    {"Oakland", "Alameda", "CA"},      {"Oakland", "Alameda", "CA"},       {"Hayward", "Alameda", "CA"},
    {"San Leandro", "Alameda", "CA"},  {"Fremont", "Alameda", "CA"},       {"Berkeley", "Alameda", "CA"},
    {"Richmond", "Contra Costa", "CA"}, {"San Jose", "Santa Clara", "CA"}, {"Sacramento", "Sacramento", "CA"},
    {"Las Vegas", "Clark", "NV"},
};

struct DemoService {
  const char* domain;
  const char* provider;
  const char* goal;
};
constexpr DemoService kServices[] = {
    {"safety_housing", "Covenant House California", "Stable transitional housing"},
    {"safety_housing", "DreamCatcher Youth Shelter", "Emergency shelter bed and safety plan"},
    {"medical", "Highland Hospital Youth Clinic", "Medical follow-up and reproductive health care"},
    {"mental_health", "Alameda County Behavioral Health", "Weekly trauma-focused therapy"},
    {"substance_use", "Bay Area Youth Recovery", "Outpatient substance use counseling"},
    {"education", "Oakland Unified School District", "Re-enrollment and credit recovery"},
    {"employment", "Youth Employment Partnership", "Paid internship and job readiness"},
    {"legal_immigration", "East Bay Community Law Center", "T-visa application"},
    {"family", "Alameda County Social Services", "Family reunification assessment"},
};
constexpr const char* kStatuses[] = {"referred", "engaged", "engaged", "completed", "declined", "engaged"};

struct DemoAgency {
  const char* name;
  std::vector<Field> scope;
};

sys_days today_of(const Clock& clock) {
  auto local = CourtCalendar::local_date(clock.now());
  return local ? *local : floor<days>(clock.now());
}

// The Wednesday of the week of `day` (the Safety Net meets on Wednesdays).
sys_days wednesday_of(sys_days day) {
  const weekday wd{day};
  return day - days((wd.c_encoding() + 7 - 3) % 7);
}

}  // namespace

Result<DemoSafetyNet> load_demo_victims(db::PgVictimStore& victims, const Clock& clock, const std::string& unit,
                                        const std::string& advocate_id, const std::string& supervisor_id,
                                        const std::vector<DemoProsecution>& prosecutions, std::mt19937& rng) {
  DemoSafetyNet out;
  auto audit_as = [&](const std::string& actor, const std::string& action) {
    AuditEntry a = auth::audit_entry(clock.now(), nullptr, action, "", "", "success", "local");
    a.actor_id = actor;
    a.actor_username = "cli:demo";
    return a;
  };
  const auto pick = [&](auto& array) -> decltype(auto) { return array[rng() % std::size(array)]; };
  const VictimAuthorizer anyone = [](const RecordContext&) -> Status { return {}; };
  const sys_days today = today_of(clock);

  // Partner agencies and what each may see of the agenda under its MOU.
  const std::vector<DemoAgency> agencies = {
      {"Alameda County Social Services Agency (CFS)",
       {Field::agenda_pseudonym, Field::agenda_court_dates, Field::agenda_service_items, Field::agenda_keys,
        Field::agenda_risk_level, Field::agenda_next_steps}},
      {"Bay Area Women Against Rape",
       {Field::agenda_pseudonym, Field::agenda_service_items, Field::agenda_keys, Field::agenda_next_steps}},
      {"Alameda County Probation Department",
       {Field::agenda_pseudonym, Field::agenda_court_dates, Field::agenda_risk_level}},
      {"Oakland Unified School District", {Field::agenda_pseudonym, Field::agenda_service_items}},
      {"Alameda County Behavioral Health",
       {Field::agenda_pseudonym, Field::agenda_service_items, Field::agenda_keys}},
      {"Oakland Police Department, Special Victims Section",
       {Field::agenda_pseudonym, Field::agenda_court_dates, Field::agenda_risk_level}},
  };
  std::vector<std::string> agency_ids;
  for (const auto& a : agencies) {
    Agency agency;
    agency.name = a.name;
    agency.mou_scope = a.scope;
    auto created = victims.create_agency(agency, audit_as(supervisor_id, "agency.create"), nullptr);
    if (!created) return created.error();
    agency_ids.push_back(created->id);
  }
  out.partner_agency_id = agency_ids.front();

  // Victims: mostly girls of 12 to 17 at the offense, some young adults, a few boys.
  const std::size_t victim_count = std::min<std::size_t>(26, prosecutions.size());
  std::vector<std::string> victim_ids;
  for (std::size_t i = 0; i < victim_count; ++i) {
    const DemoProsecution& p = prosecutions[i];
    NewVictim v;
    v.unit = unit;
    v.advocate_id = advocate_id;
    v.gender = i % 9 == 4 ? Gender::male : i == 13 ? Gender::nonbinary : i == 21 ? Gender::unknown : Gender::female;
    const char* given = v.gender == Gender::male ? pick(kGivenMale) : pick(kGiven);
    v.identity.legal_name = std::string(given) + " " + pick(kFamily);
    const bool adult = i % 5 == 3;
    const sys_days offense = p.offense_date;
    const int age = adult ? 18 + static_cast<int>(rng() % 6) : 12 + static_cast<int>(rng() % 6);
    v.identity.dob = offense - days(365 * age + 30 + static_cast<int>(rng() % 300));
    v.identity.contact = json::serialize(json::object{
        {"phone", "510-555-0" + std::to_string(100 + i)}, {"guardian", i % 2 == 0 ? "foster parent" : "aunt"}});
    v.identity.safety_notes = i % 3 == 0 ? "Do not contact through family; exploiter knows the home address."
                                         : "Contact through the advocate only.";
    v.race_ethnicity = std::string(pick(kRace));
    const Residence& home = pick(kResidences);
    v.residence_city = home.city;
    v.residence_county = home.county;
    v.residence_state = home.state;
    auto created = victims.create_victim(v, audit_as(advocate_id, "victim.create"), nullptr);
    if (!created) return created.error();
    victim_ids.push_back(created->id);
    ++out.victims;

    auto linked = victims.link(created->id, p.id, i % 7 == 6 ? "witness" : "named_victim", anyone,
                               audit_as(p.dda_id, "victim.link"), nullptr);
    if (!linked) return linked.error();
    ++out.links;

    // Marsy's Law: notice asked for by most; the prosecution conferred with about half.
    const TimePoint asked = time_point_cast<microseconds>(p.offense_date + days(20)) + hours(18);
    for (const char* kind : {"notice_requested", "notice_sent", "conferred"}) {
      if ((std::string(kind) == "notice_sent" && i % 3 == 2) || (std::string(kind) == "conferred" && i % 2 == 1))
        continue;
      RightsEntry e;
      e.prosecution_id = p.id;
      e.victim_id = created->id;
      e.kind = kind;
      e.at = asked;
      e.notes = std::string(kind) == "conferred" ? "Conferred with the victim and her advocate." : "By phone.";
      auto added = victims.add_rights_entry(e, audit_as(p.dda_id, std::string("victim_rights.") + kind), nullptr);
      if (!added) return added.error();
    }

    // A service plan of two to four items.
    const int items = 2 + static_cast<int>(rng() % 3);
    for (int k = 0; k < items; ++k) {
      const DemoService& s = kServices[(i + static_cast<std::size_t>(k) * 3) % std::size(kServices)];
      NewServiceItem item;
      item.domain = s.domain;
      item.provider = s.provider;
      item.goal = s.goal;
      item.status = pick(kStatuses);
      if (item.status == "referred" || item.status == "engaged") item.review_on = today + days(7 + rng() % 40);
      auto added = victims.add_service_item(created->id, item, audit_as(advocate_id, "service_plan.item_add"), nullptr);
      if (!added) return added.error();
      ++out.service_items;
    }
  }

  // The Safety Net meets weekly: the last two meetings with their reviews, and this week's,
  // to which the youths reviewed are scheduled back.
  const sys_days this_week = wednesday_of(today) < today ? wednesday_of(today) + days(7) : wednesday_of(today);
  for (int w = 2; w >= 0; --w) {
    MdtMeeting m;
    m.unit = unit;
    m.date = this_week - days(7 * w);
    m.agency_ids = agency_ids;
    auto created = victims.create_meeting(m, audit_as(supervisor_id, "mdt.meeting_create"), nullptr);
    if (!created) return created.error();
    ++out.meetings;
    if (w == 0) break;
    for (std::size_t i = static_cast<std::size_t>(w) % 2; i < victim_ids.size(); i += 2) {
      MdtReview r;
      r.victim_id = victim_ids[i];
      r.meeting_date = m.date;
      r.agencies_present = {agencies[0].name, agencies[1].name, agencies[2].name};
      r.whereabouts_known = i % 6 != 5;
      r.safe_and_stable = i % 4 != 3;
      r.receiving_services = i % 5 != 4;
      r.point_of_contact = i % 2 == 0 ? "Victim advocate" : "CFS social worker";
      r.risk_level = i % 6 == 5 ? "high" : i % 3 == 0 ? "medium" : "low";
      r.next_steps = json::serialize(json::array{
          json::object{{"action", "Confirm placement and school attendance"}, {"owner", "CFS"}},
          json::object{{"action", "Prepare for the next court date with the advocate"}, {"owner", "DA victim advocate"}}});
      r.next_review_on = this_week;
      auto added = victims.add_review(r, audit_as(advocate_id, "mdt.review_create"), nullptr);
      if (!added) return added.error();
      ++out.reviews;
    }
  }

  // Criminal protective orders (PC 136.2): one in three linked prosecutions, one expiring soon.
  for (std::size_t i = 0; i < victim_ids.size(); i += 3) {
    ProtectiveOrder o;
    o.prosecution_id = prosecutions[i].id;
    o.protected_victim_ids = {victim_ids[i]};
    o.issued_on = prosecutions[i].offense_date + days(30);
    o.expires_on = i == 0 ? today + days(10) : o.issued_on + days(3 * 365);
    o.terms = "No contact, direct or indirect; stay 100 yards away from the protected person, her home and school.";
    auto added = victims.add_protective_order(o, audit_as(prosecutions[i].dda_id, "protective_order.create"), nullptr);
    if (!added) return added.error();
    ++out.protective_orders;
  }
  return out;
}

}  // namespace heat::cli
