// add_court_days must cost the same for a short period as for a long one (no day-by-day
// walk): compare BM_AddCourtDays/10 with BM_AddCourtDays/10000. Links heat_engine and
// libbenchmark (benchmark_main is not needed: BENCHMARK_MAIN below).
#include "engine/court_calendar.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

namespace {

using std::chrono::sys_days;

// Starts spread over 2000-2099 so the binary searches do not always hit the same cache lines.
std::vector<sys_days> starts() {
  std::vector<sys_days> out;
  const sys_days first{std::chrono::year{2000} / std::chrono::January / 1};
  for (int i = 0; i < 1024; ++i) out.push_back(first + std::chrono::days{(i * 7919) % 36500});
  return out;
}

void BM_AddCourtDays(benchmark::State& state) {
  const heat::CourtCalendar calendar;
  const auto days = starts();
  const long n = state.range(0);
  std::size_t i = 0;
  for (auto _ : state) {
    auto due = calendar.add_court_days(days[i++ & 1023], n);
    benchmark::DoNotOptimize(due);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddCourtDays)->Arg(10)->Arg(10000)->Arg(-10)->Arg(-10000);

// The baseline: the straightforward day-by-day walk over the same calendar (is_court_day per
// day), which costs in proportion to the period. tools/bench compares both at 10 and 10,000.
sys_days naive_add_court_days(const heat::CourtCalendar& calendar, sys_days d, long n) {
  const std::chrono::days step{n >= 0 ? 1 : -1};
  for (long left = n >= 0 ? n : -n; left > 0;) {
    d += step;
    if (calendar.is_court_day(d)) --left;
  }
  return d;
}

void BM_AddCourtDaysNaive(benchmark::State& state) {
  const heat::CourtCalendar calendar;
  const auto days = starts();
  const long n = state.range(0);
  std::size_t i = 0;
  for (auto _ : state) {
    auto due = naive_add_court_days(calendar, days[i++ & 1023], n);
    benchmark::DoNotOptimize(due);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddCourtDaysNaive)->Arg(10)->Arg(10000);

void BM_CourtDaysBetween(benchmark::State& state) {
  const heat::CourtCalendar calendar;
  const auto days = starts();
  const long span = state.range(0);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto from = days[i++ & 1023];
    auto n = calendar.court_days_between(from, from + std::chrono::days{span});
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_CourtDaysBetween)->Arg(14)->Arg(14000);

}  // namespace

BENCHMARK_MAIN();
