// libFuzzer target: the CSV reader and parse_csv on arbitrary bytes (built and run by
// tools/fuzz with ASan and UBSan). Traps on broken promises of the parser's contract.
#include "adapters/csv_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  std::size_t last_line = 0;
  for (const auto& row : heat::adapters::read_csv_rows(bytes)) {
    if (row.line <= last_line || row.fields.empty()) __builtin_trap();  // rows start on later lines
    last_line = row.line;
  }

  const auto r = heat::adapters::parse_csv(bytes);
  if (!r) {
    if (r.error().message.empty()) __builtin_trap();
    return 0;
  }
  for (const auto& rejection : r->rejections) {
    if (!rejection.line || rejection.reason.empty()) __builtin_trap();
  }
  for (const auto& rec : r->records) {
    if (!rec.line || *rec.line < 2) __builtin_trap();
    if (rec.normalized_docket.empty() && rec.source_uid.empty()) __builtin_trap();
  }
  // Some inputs as a semicolon-separated file too.
  if (size > 0 && data[0] == 'S') (void)heat::adapters::parse_csv(bytes.substr(1), {{}, "America/Los_Angeles", ';'});
  return 0;
}
