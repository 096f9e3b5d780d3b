// A prosecution's state as plain values: its lifecycle stage, custody and warrant status, time
// waiver, trial date and counts. Each enum has exactly one string mapping (to_string / parse_*),
// used by JSON, SQL and logs alike. The rules that move these values live in
// workflows/prosecution_lifecycle.hpp.
#pragma once

#include "engine/result.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat {

// Region 1 of the lifecycle. Strings are the PascalCase names: "Referred", "Declined",
// "Charged", "Arraigned", "HeldToAnswer", "Pretrial", "Trial", "Convicted", "Acquitted",
// "Dismissed", "Sentenced".
enum class Stage {
  referred,
  declined,
  charged,
  arraigned,
  held_to_answer,
  pretrial,
  trial,
  convicted,
  acquitted,
  dismissed,
  sentenced,
};

inline constexpr std::array<Stage, 11> kAllStages = {
    Stage::referred, Stage::declined,  Stage::charged,   Stage::arraigned, Stage::held_to_answer, Stage::pretrial,
    Stage::trial,    Stage::convicted, Stage::acquitted, Stage::dismissed, Stage::sentenced,
};

[[nodiscard]] const char* to_string(Stage s);
// Exact, case-sensitive match of the strings above; invalid_argument (field "stage") otherwise.
[[nodiscard]] Result<Stage> parse_stage(std::string_view s);

// A stage in which no proceeding is pending: Declined, Acquitted, Dismissed, Sentenced. No
// booking or new warrant is recorded there (Declined can be reopened and Dismissed refiled).
[[nodiscard]] bool is_closed(Stage s);

// Region 2. Strings "out" and "in".
enum class Custody { out, in };

[[nodiscard]] const char* to_string(Custody c);
[[nodiscard]] Result<Custody> parse_custody(std::string_view s);  // field "custody"

// Region 3. Strings "none" and "outstanding".
enum class Warrant { none, outstanding };

[[nodiscard]] const char* to_string(Warrant w);
[[nodiscard]] Result<Warrant> parse_warrant(std::string_view s);  // field "warrant"

// A count's outcome. Strings: "pending", "convicted" (as charged), "convicted_lesser" (of a
// lesser offense), "dismissed", "acquitted".
enum class Disposition { pending, convicted, convicted_lesser, dismissed, acquitted };

inline constexpr std::array<Disposition, 5> kAllDispositions = {
    Disposition::pending, Disposition::convicted, Disposition::convicted_lesser, Disposition::dismissed,
    Disposition::acquitted,
};

[[nodiscard]] const char* to_string(Disposition d);
[[nodiscard]] Result<Disposition> parse_disposition(std::string_view s);  // field "disposition"

// convicted or convicted_lesser.
[[nodiscard]] bool is_conviction(Disposition d);

// One count against a prosecution.
struct Charge {
  std::string id;                                   // the charge's id (a UUID in storage)
  std::string statute;                              // a StatuteCatalog code: "PC 236.1(c)(1)"
  int count = 1;                                    // count number on the charging document
  std::vector<std::string> enhancements;            // StatuteCatalog codes: "PC 236.4(b)"
  std::optional<std::chrono::sys_days> filed_on;
  std::optional<std::chrono::sys_days> offense_date;
  Disposition disposition = Disposition::pending;
  std::optional<std::chrono::sys_days> disposition_date;
  std::optional<std::string> sentence;              // opaque to the engine (the API's JSON text)

  friend bool operator==(const Charge&, const Charge&) = default;
};

// Everything the lifecycle machine reads and writes about one prosecution.
struct ProsecutionSnapshot {
  Stage stage = Stage::referred;
  Custody custody = Custody::out;
  Warrant warrant = Warrant::none;
  bool indicted = false;                                   // charged by indictment, not complaint
  bool time_waived = false;                                // a general time waiver is in force
  std::optional<std::chrono::sys_days> trial_date;         // set_trial_date; cleared by mistrial
  std::optional<std::chrono::sys_days> next_appearance;    // recorded when a warrant is cleared
  std::vector<Charge> charges;

  // nullptr when no count has this id; the pointer lives as long as `charges` is unchanged.
  [[nodiscard]] const Charge* find_charge(std::string_view id) const;
  [[nodiscard]] bool has_pending_charge() const;
  [[nodiscard]] bool has_conviction() const;

  friend bool operator==(const ProsecutionSnapshot&, const ProsecutionSnapshot&) = default;
};

}  // namespace heat
