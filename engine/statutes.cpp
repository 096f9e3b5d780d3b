#include "engine/statutes.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace heat {
namespace {

using C = StatuteClass;
using R = RegistrationTier;

constexpr std::string_view kTraffickingFine = "≤ $500k (+≤ $1M, 236.4(a))";

Statute row(std::string code, std::string title, StatuteClass cls, std::string class_text, std::string term,
            std::string fine, RegistrationTier reg, std::string reg_text, bool prop35, std::string category,
            std::string citation) {
  Statute s;
  s.code = std::move(code);
  s.title = std::move(title);
  s.statute_class = cls;
  s.class_text = std::move(class_text);
  s.term = std::move(term);
  s.fine = std::move(fine);
  s.registration = reg;
  s.registration_text = std::move(reg_text);
  s.prop35 = prop35;
  s.category = std::move(category);
  s.citation = std::move(citation);
  return s;
}

// LEGAL.md, "Charge catalog", row for row. Text columns are verbatim, except that the fine
// column's "same" (PC 236.1(b), (c)(1), (c)(2)) is written out as the row above's text.
std::vector<Statute> legal_md_rows() {
  const std::string tf(kTraffickingFine);
  // clang-format off
  std::vector<Statute> rows = {
    //  code              title                                                                         class              class text                  term                      fine                 registration      registration text                prop35  category                      citation
    row("PC 236.1(a)",    "labor trafficking",                                                          C::felony,         "felony",                   "5/8/12",                 tf,                  R::none,          "none",                          true,   "labor trafficking",          "PC 236.1(a); PC 236.4(a)"),
    row("PC 236.1(b)",    "sex trafficking (intent to commit 266, 266h, 266i, 266j, 267, 311.1–311.6, 518)",
                                                                                                        C::felony,         "felony",                   "8/14/20",                tf,                  R::tier3,         "T3",                            true,   "sex trafficking",            "PC 236.1(b); PC 236.4(a); PC 290(d)"),
    row("PC 236.1(c)(1)", "trafficking a minor for a commercial sex act",                               C::felony_serious, "felony, serious",          "5/8/12",                 tf,                  R::tier3,         "T3",                            true,   "sex trafficking of a minor", "PC 236.1(c)(1); PC 1192.7(c)(42); PC 236.4(a); PC 290(d)"),
    row("PC 236.1(c)(2)", "the same with force, fear, fraud, deceit, coercion, violence, duress, menace or threat",
                                                                                                        C::felony_serious, "felony, serious",          "15 to life",             tf,                  R::tier3,         "T3",                            true,   "sex trafficking of a minor", "PC 236.1(c)(2); PC 1192.7(c)(42); PC 236.4(a); PC 290(d)"),
    row("PC 236.4(b)",    "enhancement: great bodily injury",                                           C::enhancement,    "enhancement",              "+5/7/10 consecutive",    "—",                 R::not_applicable, "—",                            true,   "enhancement",                "PC 236.4(b)"),
    row("PC 236.4(c)",    "enhancement: prior trafficking conviction",                                  C::enhancement,    "enhancement",              "+5 each",                "—",                 R::not_applicable, "—",                            true,   "enhancement",                "PC 236.4(c)"),
    row("PC 266h(a)",     "pimping",                                                                    C::felony,         "felony",                   "3/4/6",                  "+≤ $5k (266k)",     R::none,          "none",                          false,  "pimping/pandering",          "PC 266h(a); PC 266k"),
    row("PC 266h(b)",     "pimping a minor (under 16: 3/6/8)",                                          C::felony,         "felony",                   "3/4/6",                  "+≤ $5k",            R::tier3,         "T3",                            false,  "pimping/pandering",          "PC 266h(b); PC 266k; PC 290(d)"),
    row("PC 266i(a)",     "pandering",                                                                  C::felony,         "felony",                   "3/4/6",                  "+≤ $5k",            R::none,          "none",                          false,  "pimping/pandering",          "PC 266i(a); PC 266k"),
    row("PC 266i(b)",     "pandering a minor (under 16: 3/6/8)",                                        C::felony,         "felony",                   "3/4/6",                  "+≤ $5k",            R::tier3,         "T3",                            false,  "pimping/pandering",          "PC 266i(b); PC 266k; PC 290(d)"),
    row("PC 266j",        "supplying a child under 16 for a lewd act",                                  C::felony,         "felony",                   "3/6/8",                  "≤ $15k, +≤ $25k",   R::tier3,         "T3",                            false,  "child sexual abuse",         "PC 266j; PC 290(d)"),
    row("PC 267",         "abducting a minor for prostitution",                                         C::felony,         "felony",                   "16m/2/3",                "≤ $2k, +≤ $25k",    R::tier3,         "T3",                            false,  "sex trafficking of a minor", "PC 267; PC 18(a); PC 290(d)"),
    row("PC 266",         "enticing a minor into prostitution",                                         C::wobbler,        "wobbler",                  "prison, or jail ≤ 1 yr", "≤ $2k",             R::registrable,   "registrable",                   false,  "sex trafficking of a minor", "PC 266; PC 290"),
    row("PC 288(a)",      "lewd act on a child under 14",                                               C::felony,         "felony",                   "3/6/8",                  "+≤ $10k",           R::registrable,   "registrable",                   false,  "child sexual abuse",         "PC 288(a); PC 290"),
    row("PC 288(b)(1)",   "the same by force or fear",                                                  C::felony,         "felony",                   "5/8/10",                 "+≤ $10k",           R::tier3,         "T3",                            false,  "child sexual abuse",         "PC 288(b)(1); PC 290(d)"),
    row("PC 311.4(b)",    "using a minor for commercial sexual images",                                 C::felony,         "felony",                   "3/6/8",                  "—",                 R::tier3,         "T3",                            false,  "exploitation material",      "PC 311.4(b); PC 290(d)"),
    row("PC 311.11",      "possession of child sexual abuse material",                                  C::wobbler,        "wobbler",                  "16m/2/3 or jail",        "≤ $2,500",          R::conditional,   "T3 if felony",                  false,  "exploitation material",      "PC 311.11; PC 290(d)"),
    row("PC 647(b)",      "prostitution (not applicable to minors, PC 647(b)(5))",                      C::misdemeanor,    "misdemeanor",              "≤ 6 mo",                 "≤ $1k",             R::none,          "none",                          false,  "commercial sex",             "PC 647(b); PC 647(b)(5); PC 19"),
    row("PC 647(l)",      "an adult buyer soliciting a minor (wobbler if under 16, a 236.1(c) victim, or > 3 years younger)",
                                                                                                        C::misdemeanor,    "misdemeanor, 2 days–1 yr", "—",                      "≤ $10k, +$1k",      R::conditional,   "repeat offenders only",         false,  "commercial sex",             "PC 647(l); PC 290"),
    row("PC 182(a)",      "conspiracy (punished as the target felony)",                                 C::felony,         "felony",                   "as target",              "—",                 R::conditional,   "if the target is registrable",  false,  "conspiracy",                 "PC 182(a); PC 290"),
    row("PC 186.10",      "money laundering (> $5k in 7 days or > $25k in 30 days)",                    C::wobbler,        "wobbler (UNCONFIRMED)",    "jail or 1170(h)",        "≤ $250k or 2×",     R::none,          "none",                          false,  "financial",                  "PC 186.10"),
  };
  // clang-format on
  for (auto& s : rows) {
    if (s.code == "PC 236.1(c)(1)") s.trafficked_offender_exception = true;
    if (s.code == "PC 186.10") {
      s.unconfirmed = true;
      s.unconfirmed_note = "class (wobbler) could not be checked against the code's text";
    }
  }
  return rows;
}

}  // namespace

const char* to_string(StatuteClass c) {
  switch (c) {
    case StatuteClass::felony: return "felony";
    case StatuteClass::felony_serious: return "felony_serious";
    case StatuteClass::misdemeanor: return "misdemeanor";
    case StatuteClass::wobbler: return "wobbler";
    case StatuteClass::enhancement: return "enhancement";
  }
  return "felony";
}

Result<StatuteClass> parse_statute_class(std::string_view s) {
  for (auto c : {StatuteClass::felony, StatuteClass::felony_serious, StatuteClass::misdemeanor, StatuteClass::wobbler,
                 StatuteClass::enhancement}) {
    if (s == to_string(c)) return c;
  }
  return Error::invalid("class", "unknown statute class: " + std::string(s));
}

const char* to_string(RegistrationTier t) {
  switch (t) {
    case RegistrationTier::none: return "none";
    case RegistrationTier::tier1: return "T1";
    case RegistrationTier::tier2: return "T2";
    case RegistrationTier::tier3: return "T3";
    case RegistrationTier::registrable: return "registrable";
    case RegistrationTier::conditional: return "conditional";
    case RegistrationTier::not_applicable: return "not_applicable";
  }
  return "none";
}

Result<RegistrationTier> parse_registration_tier(std::string_view s) {
  for (auto t : {RegistrationTier::none, RegistrationTier::tier1, RegistrationTier::tier2, RegistrationTier::tier3,
                 RegistrationTier::registrable, RegistrationTier::conditional, RegistrationTier::not_applicable}) {
    if (s == to_string(t)) return t;
  }
  return Error::invalid("registration", "unknown registration tier: " + std::string(s));
}

const char* to_string(RegistrationDuty d) {
  switch (d) {
    case RegistrationDuty::none: return "none";
    case RegistrationDuty::required: return "required";
    case RegistrationDuty::conditional: return "conditional";
  }
  return "none";
}

bool is_serious_felony(const Statute& s, bool offender_was_trafficking_victim) {
  if (s.statute_class != StatuteClass::felony_serious) return false;
  return !(s.trafficked_offender_exception && offender_was_trafficking_victim);
}

RegistrationDuty registration_duty(const Statute& s) {
  switch (s.registration) {
    case RegistrationTier::none:
    case RegistrationTier::not_applicable: return RegistrationDuty::none;
    case RegistrationTier::tier1:
    case RegistrationTier::tier2:
    case RegistrationTier::tier3:
    case RegistrationTier::registrable: return RegistrationDuty::required;
    case RegistrationTier::conditional: return RegistrationDuty::conditional;
  }
  return RegistrationDuty::none;
}

const StatuteCatalog& StatuteCatalog::builtin() {
  static const StatuteCatalog catalog = [] {
    auto made = from_rows(legal_md_rows());
    return std::move(made).value();  // the built-in rows are valid: statutes_test checks them
  }();
  return catalog;
}

Result<StatuteCatalog> StatuteCatalog::from_rows(std::vector<Statute> rows) {
  std::set<std::string_view> seen;
  for (const auto& s : rows) {
    if (s.code.empty()) return Error::invalid("code", "a statute needs a code");
    if (!seen.insert(s.code).second) return Error::invalid("code", "duplicate statute code: " + s.code);
  }
  return StatuteCatalog(std::move(rows));
}

const Statute* StatuteCatalog::find(std::string_view code) const {
  auto it = std::find_if(rows_.begin(), rows_.end(), [&](const Statute& s) { return s.code == code; });
  return it == rows_.end() ? nullptr : &*it;
}

Result<Statute> StatuteCatalog::lookup(std::string_view code) const {
  if (const Statute* s = find(code)) return *s;
  return Error::invalid("statute", "unknown statute code: " + std::string(code));
}

std::vector<Statute> StatuteCatalog::filter(const StatuteFilter& f) const {
  std::vector<Statute> out;
  for (const auto& s : rows_) {
    if (f.prop35 && s.prop35 != *f.prop35) continue;
    if (f.category && s.category != *f.category) continue;
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> StatuteCatalog::categories() const {
  std::vector<std::string> out;
  for (const auto& s : rows_) {
    if (std::find(out.begin(), out.end(), s.category) == out.end()) out.push_back(s.category);
  }
  return out;
}

}  // namespace heat
