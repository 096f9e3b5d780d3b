// Runs the headless-Chromium test of the dashboard (tests/e2e/dashboard.e2e.mjs) against the
// real binary with the demo data loaded. Registered as its own ctest entry, dashboard_e2e
// (tests/CMakeLists.txt); its screenshot lands in the build directory (dashboard-e2e.png).
#include "tests/support/app_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace heat::test {
namespace {

constexpr const char* kDefaultKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TEST(DashboardBrowser, LeadershipSeesTheDashboardOthersDoNot) {
  const char* source = std::getenv("HEATWATCH_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "HEATWATCH_SOURCE_DIR is set by ctest";
  TestDatabase database;
  migrate(database);
  add_one_user_per_role(database);
  auto [status, out] = run_command("printf '%s\\n' '" + std::string(kTestPassword) + "' | HEATWATCH_ENCRYPTION_KEY=" +
                                   kDefaultKey + " '" + heatwatch_binary() + "' demo --db '" + database.url() +
                                   "' --password-stdin 2>&1");
  ASSERT_EQ(status, 0) << out;
  ServerProcess server(database.url(), {"--jobs", "off"}, {{"HEATWATCH_NOW", "2026-11-20T18:00:00Z"}});
  const std::string out_dir = std::filesystem::current_path().string();
  std::filesystem::remove(out_dir + "/dashboard-e2e.png");
  auto [rc, log] = run_command("HEATWATCH_E2E_PORT=" + std::to_string(server.port()) + " HEATWATCH_E2E_PASSWORD='" +
                               kTestPassword + "' HEATWATCH_E2E_OUT='" + out_dir + "' node '" + source +
                               "/tests/e2e/dashboard.e2e.mjs' 2>&1");
  EXPECT_EQ(rc, 0) << log << "\n--- server log ---\n" << server.log();
  EXPECT_TRUE(std::filesystem::exists(out_dir + "/dashboard-e2e.png")) << log;
}

}  // namespace
}  // namespace heat::test
