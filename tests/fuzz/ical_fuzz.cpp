// libFuzzer target: parse_ical on arbitrary bytes (built and run by tools/fuzz with ASan and
// UBSan). Besides crashes, it traps on broken promises of the parser's contract.
#include "adapters/ical_parser.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using heat::TimePoint;

TimePoint year_start(int y) {
  return TimePoint{std::chrono::sys_days{std::chrono::year{y} / 1 / 1}};
}

void check(const heat::adapters::ParseResult& r) {
  for (const auto& rejection : r.rejections) {
    if (rejection.reason.empty()) __builtin_trap();
  }
  for (const auto& rec : r.records) {
    if (rec.ends_at && *rec.ends_at < rec.starts_at) __builtin_trap();
    if (rec.normalized_docket != heat::adapters::normalize_docket(rec.docket)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  heat::adapters::IcalOptions options;
  options.max_instances = 200;  // keeps each run fast; the cap itself is exercised
  const heat::adapters::TimeWindow window{year_start(2020), year_start(2031)};
  const auto r = heat::adapters::parse_ical(bytes, window, options);
  if (r) {
    check(*r);
  } else if (r.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
