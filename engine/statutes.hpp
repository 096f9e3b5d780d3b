// The statute catalog: LEGAL.md's charge-catalog table as data, one Statute per row, each with
// its citation, so that a change in the law is a data change. Lookup by code, filters for the
// statutes route, and the facts derived per charge (serious felony, registration duty).
// Immutable after construction: safe to share between threads.
#pragma once

#include "engine/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heat {

// The class column of LEGAL.md, normalized. String forms (the one mapping, used by JSON and SQL):
// "felony", "felony_serious", "misdemeanor", "wobbler", "enhancement".
enum class StatuteClass { felony, felony_serious, misdemeanor, wobbler, enhancement };

[[nodiscard]] const char* to_string(StatuteClass c);
[[nodiscard]] Result<StatuteClass> parse_statute_class(std::string_view s);

// The registration column (PC 290(d) tiers: T1 10 years, T2 20 years, T3 lifetime). String forms:
// "none", "T1", "T2", "T3", "registrable" (registration required, tier not stated in LEGAL.md),
// "conditional" (depends on facts of the case: "T3 if felony", "repeat offenders only", "if the
// target is registrable"), "not_applicable" (enhancements, "—" in LEGAL.md).
enum class RegistrationTier { none, tier1, tier2, tier3, registrable, conditional, not_applicable };

[[nodiscard]] const char* to_string(RegistrationTier t);
[[nodiscard]] Result<RegistrationTier> parse_registration_tier(std::string_view s);

// What a conviction on a count of this statute means for sex-offender registration.
// String forms: "none", "required", "conditional".
enum class RegistrationDuty { none, required, conditional };

[[nodiscard]] const char* to_string(RegistrationDuty d);

struct Statute {
  std::string code;                // exactly as in LEGAL.md: "PC 236.1(c)(1)"
  std::string title;               // the offense column
  StatuteClass statute_class = StatuteClass::felony;
  std::string class_text;          // the class column verbatim ("misdemeanor, 2 days–1 yr")
  std::string term;                // triad or term text: "5/8/12", "15 to life", "16m/2/3"
  std::string fine;                // fine text; LEGAL.md's "same" is written out (row above)
  RegistrationTier registration = RegistrationTier::none;
  std::string registration_text;   // the registration column verbatim ("T3 if felony")
  bool prop35 = false;             // enacted or amended by Proposition 35 (2012)
  std::string category;            // the category column ("sex trafficking of a minor")
  std::string citation;            // the code sections the row rests on
  // PC 1192.7(c)(42) (SB 14, 2023) exempts a PC 236.1(c)(1) offender who was a trafficking
  // victim at the time of the offense: such a count is not a serious felony.
  bool trafficked_offender_exception = false;
  bool unconfirmed = false;        // LEGAL.md marks part of this row UNCONFIRMED
  std::string unconfirmed_note;    // which part, when unconfirmed

  friend bool operator==(const Statute&, const Statute&) = default;
};

// True when a count under this statute is a serious felony (PC 1192.7(c)): every
// felony_serious row (PC 236.1(c)(1) and (c)(2) since SB 14), except a (c)(1) count whose
// offender was a trafficking victim at the time. Serious felonies limit plea bargaining
// (PC 1192.7(a)(2)).
[[nodiscard]] bool is_serious_felony(const Statute& s, bool offender_was_trafficking_victim = false);

// none for "none" and enhancements; required for T1/T2/T3/registrable; conditional otherwise.
[[nodiscard]] RegistrationDuty registration_duty(const Statute& s);

struct StatuteFilter {
  std::optional<bool> prop35;           // only rows with this Prop 35 flag
  std::optional<std::string> category;  // only rows of this category (exact text)
};

// A catalog of statutes with unique codes, in a stable order (LEGAL.md's row order for the
// built-in one). Deployments can build their own from rows (a change in the law, an
// UNCONFIRMED item settled) with from_rows.
class StatuteCatalog {
 public:
  // The rows of LEGAL.md's charge catalog.
  [[nodiscard]] static const StatuteCatalog& builtin();

  // Errors: invalid_argument when a code is empty or appears twice.
  [[nodiscard]] static Result<StatuteCatalog> from_rows(std::vector<Statute> rows);

  [[nodiscard]] const std::vector<Statute>& all() const { return rows_; }

  // Exact match on the code as written in LEGAL.md; nullptr when absent. The pointer lives as
  // long as the catalog.
  [[nodiscard]] const Statute* find(std::string_view code) const;

  // As find, for input validation: invalid_argument (field "statute") when the code is unknown.
  [[nodiscard]] Result<Statute> lookup(std::string_view code) const;

  // Rows matching every given criterion, in catalog order.
  [[nodiscard]] std::vector<Statute> filter(const StatuteFilter& f) const;

  // Distinct categories, in order of first appearance.
  [[nodiscard]] std::vector<std::string> categories() const;

 private:
  explicit StatuteCatalog(std::vector<Statute> rows) : rows_(std::move(rows)) {}
  std::vector<Statute> rows_;
};

}  // namespace heat
