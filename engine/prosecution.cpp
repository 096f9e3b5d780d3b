#include "engine/prosecution.hpp"

#include <algorithm>

namespace heat {
namespace {

template <class Enum, std::size_t N>
Result<Enum> parse_by_name(std::string_view s, const std::array<Enum, N>& all, const char* field, const char* what) {
  for (Enum e : all) {
    if (s == to_string(e)) return e;
  }
  return Error::invalid(field, std::string("unknown ") + what + ": \"" + std::string(s) + "\"");
}

}  // namespace

const char* to_string(Stage s) {
  switch (s) {
    case Stage::referred: return "Referred";
    case Stage::declined: return "Declined";
    case Stage::charged: return "Charged";
    case Stage::arraigned: return "Arraigned";
    case Stage::held_to_answer: return "HeldToAnswer";
    case Stage::pretrial: return "Pretrial";
    case Stage::trial: return "Trial";
    case Stage::convicted: return "Convicted";
    case Stage::acquitted: return "Acquitted";
    case Stage::dismissed: return "Dismissed";
    case Stage::sentenced: return "Sentenced";
  }
  return "Referred";
}

Result<Stage> parse_stage(std::string_view s) { return parse_by_name(s, kAllStages, "stage", "stage"); }

bool is_closed(Stage s) {
  return s == Stage::declined || s == Stage::acquitted || s == Stage::dismissed || s == Stage::sentenced;
}

const char* to_string(Custody c) { return c == Custody::in ? "in" : "out"; }

Result<Custody> parse_custody(std::string_view s) {
  return parse_by_name(s, std::array{Custody::out, Custody::in}, "custody", "custody status");
}

const char* to_string(Warrant w) { return w == Warrant::outstanding ? "outstanding" : "none"; }

Result<Warrant> parse_warrant(std::string_view s) {
  return parse_by_name(s, std::array{Warrant::none, Warrant::outstanding}, "warrant", "warrant status");
}

const char* to_string(Disposition d) {
  switch (d) {
    case Disposition::pending: return "pending";
    case Disposition::convicted: return "convicted";
    case Disposition::convicted_lesser: return "convicted_lesser";
    case Disposition::dismissed: return "dismissed";
    case Disposition::acquitted: return "acquitted";
  }
  return "pending";
}

Result<Disposition> parse_disposition(std::string_view s) {
  return parse_by_name(s, kAllDispositions, "disposition", "disposition");
}

bool is_conviction(Disposition d) { return d == Disposition::convicted || d == Disposition::convicted_lesser; }

const Charge* ProsecutionSnapshot::find_charge(std::string_view id) const {
  auto it = std::find_if(charges.begin(), charges.end(), [&](const Charge& c) { return c.id == id; });
  return it == charges.end() ? nullptr : &*it;
}

bool ProsecutionSnapshot::has_pending_charge() const {
  return std::any_of(charges.begin(), charges.end(),
                     [](const Charge& c) { return c.disposition == Disposition::pending; });
}

bool ProsecutionSnapshot::has_conviction() const {
  return std::any_of(charges.begin(), charges.end(), [](const Charge& c) { return is_conviction(c.disposition); });
}

}  // namespace heat
