// The deadline rule table (LEGAL.md, "Deadline rules") and the joining of a rule to the
// court calendar's counting.
#include "engine/deadline_rules.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace heat {
namespace {

namespace chr = std::chrono;

using K = HearingKind;
using C = Condition;
using R = Relief;

constexpr R kSpeedyTrial = R::general_time_waiver | R::withdrawn_waiver_restarts | R::consent_to_later_date |
                           R::warrant_restarts;

// Built on first use (a function-local static: thread-safe, no initialization-order trap).
const std::vector<DeadlineRule>& rule_table() {
  using enum DeadlineEvent;
  using enum PeriodUnit;
  using enum Direction;
  // clang-format off
  static const std::vector<DeadlineRule> rules = {
// id                                  citation             title                                trigger                 hearing        period unit           direction  conditions                          met by                           relief                            withdr consent config note
// --- from an arrest ---------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
  {"pc825_arraignment",                "PC 825(a)",          "arraignment",                       book,                   K::any,         48, hours,          forward,   C::in_custody,                      {arraign},                       R::none,                          0,     0,      false,
   "Sundays and court holidays skipped, Saturdays counted (UNCONFIRMED: the safe side); past the session, to the end of the next court session"},
// --- from the arraignment on the complaint ----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
  {"pc859b_prelim",                    "PC 859b",            "preliminary hearing",               arraign,                K::any,         10, court_days,     forward,   C::felony | C::in_custody,          {hold_to_answer, discharge},     R::personal_waiver | R::good_cause, 0,   0,      false,
   "from the arraignment or plea on the complaint, whichever is later; good cause: up to 3 more court days in child sexual exploitation cases"},
  {"pc859b_prelim_outer",              "PC 859b",            "preliminary hearing, outer limit",  arraign,                K::any,         60, calendar_days,  forward,   C::felony,                          {hold_to_answer, discharge},     R::personal_waiver,               0,     0,      false,
   "from the arraignment or plea on the complaint, whichever is later; only a personal waiver extends it"},
// --- from the holding order -------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
  {"pc739_information",                "PC 739",             "file information",                  hold_to_answer,         K::any,         15, calendar_days,  forward,   C::felony,                          {arraign_on_information},        R::good_cause,                    0,     0,      false,
   "also PC 1382(a)(1); arraign_on_information records the filing"},
// --- speedy trial -----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
  {"pc1382_felony_trial",              "PC 1382(a)(2)",      "felony trial",                      arraign_on_information, K::any,         60, calendar_days,  forward,   C::felony,                          {start_trial},                   kSpeedyTrial,                     60,    10,     false,
   "PC 1382(b): failure to appear restarts it at the next appearance"},
  {"pc1382_felony_trial_indictment",   "PC 1382(a)(2)",      "felony trial",                      indict,                 K::any,         60, calendar_days,  forward,   C::felony,                          {start_trial},                   kSpeedyTrial,                     60,    10,     false,
   "from the arraignment on the indictment (the trigger date to pass)"},
  {"pc1382_misdemeanor_trial_custody", "PC 1382(a)(3)",      "misdemeanor trial",                 arraign,                K::any,         30, calendar_days,  forward,   C::misdemeanor | C::in_custody,     {start_trial},                   kSpeedyTrial,                     30,    10,     false,
   "in custody at the arraignment; from the arraignment or plea, whichever is later"},
  {"pc1382_misdemeanor_trial",         "PC 1382(a)(3)",      "misdemeanor trial",                 arraign,                K::any,         45, calendar_days,  forward,   C::misdemeanor | C::out_of_custody, {start_trial},                   kSpeedyTrial,                     30,    10,     false,
   "out of custody at the arraignment; from the arraignment or plea, whichever is later"},
  {"pc1048_minor_victim_trial",        "PC 1048(b)",         "trial with a minor victim",         arraign,                K::any,         30, calendar_days,  forward,   C::minor_victim,                    {start_trial},                   R::good_cause,                    0,     0,      false,
   "PC 1048(b)-(c): continued only after a hearing, for good cause on the record"},
// --- before a hearing or the trial (CCP 12c) --------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
  {"pc1050_continuance_motion",        "PC 1050(b)",         "continuance motion",                hearing,                K::any,          2, court_days,     backward,  C::none,                            {motion_filed},                  R::none,                          0,     0,      false,
   "filed and served at least 2 court days before the hearing"},
  {"pc1054_7_discovery",               "PC 1054.7",          "prosecution discovery",             set_trial_date,         K::any,         30, calendar_days,  backward,  C::none,                            {disclosure_made},               R::good_cause,                    0,     0,      false,
   "good cause: a witness in danger, evidence at risk, another investigation compromised"},
// --- after a conviction -----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
  {"pc1191_sentencing",                "PC 1191",            "sentencing",                        verdict_guilty,         K::any,         20, court_days,     forward,   C::none,                            {sentence},                      R::motion_extension,              0,     0,      false,
   "20 judicial days; + up to 10 days for a new-trial motion, or until the probation report"},
  {"pc1191_sentencing_plea",           "PC 1191",            "sentencing",                        plead_guilty,           K::any,         20, court_days,     forward,   C::none,                            {sentence},                      R::motion_extension,              0,     0,      false,
   "20 judicial days from the plea; + up to 10 days for a new-trial motion, or until the probation report"},
  {"pc1203_probation_report",          "PC 1203(b)(2)(E)",   "probation report",                  hearing,                K::sentencing,   5, calendar_days,  backward,  C::none,                            {report_received},               R::stipulation,                   0,     0,      false,
   "available at least 5 days before the sentencing hearing"},
  {"pc1203_probation_report_early",    "PC 1203(b)(2)(E)",   "probation report, on request",      hearing,                K::sentencing,   9, calendar_days,  backward,  C::early_report_requested,          {report_received},               R::stipulation,                   0,     0,      false,
   "9 days before when the defendant or the prosecutor asked"},
  {"pc1202_4_restitution_notice",      "PC 1202.4(f)(1)",    "restitution change",                hearing,                K::restitution, 10, calendar_days,  backward,  C::none,                            {notice_sent},                   R::none,                          0,     0,      false,
   "victim notice of a motion to modify restitution"},
  {"victim_notice",                    "CONST art. I \u00a728(b)(6)\u2013(8); PC 679.02", "victim notice", hearing, K::any,   7, calendar_days,  backward,  C::victim_requested_notice,         {notice_sent},                   R::none,                          0,     0,      true,
   "reasonable notice: no number in the law, 7 days by default; a change is noticed as soon as known"},
  };
  // clang-format on
  return rules;
}

constexpr std::array<const char*, kDeadlineEventCount> kEventNames = {
    "book",       "arraign",         "hold_to_answer", "arraign_on_information", "indict", "plead_guilty",
    "verdict_guilty", "set_trial_date", "hearing",   "discharge",              "start_trial", "sentence",
    "motion_filed", "disclosure_made", "report_received", "notice_sent"};
constexpr std::array<const char*, 3> kHearingNames = {"any", "sentencing", "restitution"};
constexpr std::array<const char*, 3> kUnitNames = {"court_days", "calendar_days", "hours"};
constexpr std::array<const char*, 2> kDirectionNames = {"forward", "backward"};
constexpr std::array<const char*, 4> kWaiverNames = {"none", "general", "withdrawn", "later_date"};
constexpr std::array<const char*, 7> kConditionNames = {"in_custody",   "out_of_custody",          "felony",
                                                        "misdemeanor",  "minor_victim",            "victim_requested_notice",
                                                        "early_report_requested"};
constexpr std::array<const char*, 8> kReliefNames = {"personal_waiver",       "general_time_waiver",
                                                     "withdrawn_waiver_restarts", "consent_to_later_date",
                                                     "warrant_restarts",      "good_cause",
                                                     "stipulation",           "motion_extension"};

template <class E, std::size_t N>
const char* name_of(const std::array<const char*, N>& names, E e) {
  const auto i = static_cast<std::size_t>(e);
  return i < N ? names[i] : "unknown";
}

template <class E, std::size_t N>
std::optional<E> parse_name(const std::array<const char*, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <std::size_t N>
std::string flags_to_string(const std::array<const char*, N>& names, std::uint16_t bits) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (bits & (1u << i)) {
      if (!out.empty()) out += ',';
      out += names[i];
    }
  }
  return out;
}

template <std::size_t N>
std::optional<std::uint16_t> parse_flags(const std::array<const char*, N>& names, std::string_view s) {
  std::uint16_t bits = 0;
  while (!s.empty()) {
    const auto comma = s.find(',');
    const auto part = s.substr(0, comma);
    bool found = false;
    for (std::size_t i = 0; i < N; ++i) {
      if (part == names[i]) {
        bits |= static_cast<std::uint16_t>(1u << i);
        found = true;
      }
    }
    if (!found) return std::nullopt;
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
    if (s.empty()) return std::nullopt;  // a trailing comma
  }
  return bits;
}

}  // namespace

const std::vector<DeadlineRule>& deadline_rules() { return rule_table(); }

Result<DeadlineRule> find_deadline_rule(std::string_view id) {
  for (const auto& r : rule_table()) {
    if (r.id == id) return r;
  }
  return Error::of(ErrorCode::not_found, "no deadline rule " + std::string(id));
}

bool applies(const DeadlineRule& rule, const CaseFacts& facts) {
  C held = C::none;
  if (facts.in_custody) held = held | C::in_custody;
  if (!facts.in_custody) held = held | C::out_of_custody;
  if (facts.felony) held = held | C::felony;
  if (!facts.felony) held = held | C::misdemeanor;
  if (facts.minor_victim) held = held | C::minor_victim;
  if (facts.victim_requested_notice) held = held | C::victim_requested_notice;
  if (facts.early_report_requested) held = held | C::early_report_requested;
  return has(held, rule.conditions);
}

std::vector<DeadlineRule> rules_triggered_by(DeadlineEvent event, const CaseFacts& facts, HearingKind hearing_kind) {
  std::vector<DeadlineRule> out;
  for (const auto& r : rule_table()) {
    if (r.trigger != event || !applies(r, facts)) continue;
    if (event == DeadlineEvent::hearing && r.hearing != HearingKind::any && r.hearing != hearing_kind) continue;
    out.push_back(r);
  }
  return out;
}

Result<Due> compute_due(const DeadlineRule& rule, chr::sys_days trigger, const CourtCalendar& calendar) {
  const long n = rule.direction == Direction::forward ? rule.period : -static_cast<long>(rule.period);
  Result<chr::sys_days> day = Error::of(ErrorCode::internal, "unreachable");
  switch (rule.unit) {
    case PeriodUnit::hours:
      return Error::invalid("trigger", "an hour-counted rule needs an instant");
    case PeriodUnit::court_days:
      day = calendar.add_court_days(trigger, n);
      break;
    case PeriodUnit::calendar_days:
      day = calendar.add_calendar_days(trigger, n);
      break;
  }
  if (!day) return day.error();
  return Due{*day, std::nullopt};
}

Result<Due> compute_due(const DeadlineRule& rule, TimePoint trigger, const CourtCalendar& calendar,
                        CourtSession session) {
  if (rule.unit != PeriodUnit::hours) {
    auto day = CourtCalendar::local_date(trigger);
    if (!day) return day.error();
    return compute_due(rule, *day, calendar);
  }
  if (rule.direction != Direction::forward) return Error::invalid("rule", "hours count forward only");
  auto due = calendar.add_court_hours(trigger, chr::hours{rule.period}, session);
  if (!due) return due.error();
  auto day = CourtCalendar::local_date(*due);
  if (!day) return day.error();
  return Due{*day, *due};
}

Result<std::optional<chr::sys_days>> speedy_trial_due(const DeadlineRule& rule, chr::sys_days trigger,
                                                      const SpeedyTrialFacts& facts, const CourtCalendar& calendar) {
  using Out = std::optional<chr::sys_days>;
  if (!has(rule.relief, Relief::general_time_waiver) || rule.unit != PeriodUnit::calendar_days ||
      rule.direction != Direction::forward) {
    return Error::invalid("rule", std::string(rule.id) + " is not a speedy-trial rule");
  }
  if (facts.next_appearance && *facts.next_appearance < trigger) {
    return Error::invalid("next_appearance", "precedes the trigger");
  }
  if (facts.warrant_outstanding) return Out{};

  const auto count = [&](chr::sys_days from, int days) -> Result<Out> {
    auto d = calendar.add_calendar_days(from, days);
    if (!d) return d.error();
    return Out{*d};
  };
  switch (facts.waiver) {
    case TimeWaiver::general:
      return Out{};
    case TimeWaiver::withdrawn:
      if (!facts.waiver_withdrawn_on) return Error::invalid("waiver_withdrawn_on", "is required for a withdrawn waiver");
      if (facts.next_appearance && *facts.next_appearance > *facts.waiver_withdrawn_on) {
        return count(*facts.next_appearance, rule.period);
      }
      return count(*facts.waiver_withdrawn_on, rule.after_withdrawal);
    case TimeWaiver::later_date:
      if (!facts.consented_date) return Error::invalid("consented_date", "is required for consent to a later date");
      return count(*facts.consented_date, rule.after_consent);
    case TimeWaiver::none:
      break;
  }
  return count(facts.next_appearance.value_or(trigger), rule.period);
}

const char* to_string(DeadlineEvent e) { return name_of(kEventNames, e); }
const char* to_string(HearingKind k) { return name_of(kHearingNames, k); }
const char* to_string(PeriodUnit u) { return name_of(kUnitNames, u); }
const char* to_string(Direction d) { return name_of(kDirectionNames, d); }
const char* to_string(TimeWaiver w) { return name_of(kWaiverNames, w); }
std::string to_string(Condition c) { return flags_to_string(kConditionNames, static_cast<std::uint16_t>(c)); }
std::string to_string(Relief r) { return flags_to_string(kReliefNames, static_cast<std::uint16_t>(r)); }

std::optional<DeadlineEvent> parse_deadline_event(std::string_view s) {
  return parse_name<DeadlineEvent>(kEventNames, s);
}
std::optional<HearingKind> parse_hearing_kind(std::string_view s) { return parse_name<HearingKind>(kHearingNames, s); }
std::optional<PeriodUnit> parse_period_unit(std::string_view s) { return parse_name<PeriodUnit>(kUnitNames, s); }
std::optional<Direction> parse_direction(std::string_view s) { return parse_name<Direction>(kDirectionNames, s); }
std::optional<TimeWaiver> parse_time_waiver(std::string_view s) { return parse_name<TimeWaiver>(kWaiverNames, s); }
std::optional<Condition> parse_conditions(std::string_view s) {
  auto bits = parse_flags(kConditionNames, s);
  if (!bits) return std::nullopt;
  return static_cast<Condition>(*bits);
}
std::optional<Relief> parse_relief(std::string_view s) {
  auto bits = parse_flags(kReliefNames, s);
  if (!bits) return std::nullopt;
  return static_cast<Relief>(*bits);
}

}  // namespace heat
