#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace heat::test {

void migrate(const TestDatabase& database) {
  auto [rc, out] = run_command(heatwatch_binary() + " migrate --db '" + database.url() + "'");
  if (rc != 0) throw std::runtime_error("migrate failed: " + out);
}

std::pair<int, std::string> add_user(const TestDatabase& database, const std::string& username,
                                     const std::string& role, const std::string& unit, const std::string& password,
                                     const std::string& agency) {
  std::string cmd = "printf '%s\\n' '" + password + "' | " + heatwatch_binary() + " user add --db '" +
                    database.url() + "' --username '" + username + "' --role '" + role + "' --unit '" + unit +
                    "' --password-stdin";
  if (!agency.empty()) cmd += " --agency '" + agency + "'";
  return run_command(cmd);
}

void add_one_user_per_role(const TestDatabase& database) {
  for (const char* role : {"dda", "advocate", "supervisor", "leadership", "mdt_partner", "admin"}) {
    auto [rc, out] = add_user(database, std::string(role) + "1", role, "ht", kTestPassword,
                              std::string(role) == "mdt_partner" ? "agency-1" : "");
    if (rc != 0) throw std::runtime_error("user add failed: " + out);
  }
  auto [rc, out] = add_user(database, "dda2", "dda", "sx");
  if (rc != 0) throw std::runtime_error("user add failed: " + out);
}

std::string login(unsigned short port, const std::string& username, const std::string& password) {
  auto r = http(port, "POST", "/api/v1/auth/login",
                boost::json::serialize(boost::json::object{{"username", username}, {"password", password}}));
  if (r.status != 200) throw std::runtime_error("login of " + username + " failed: " + r.body);
  return std::string(boost::json::parse(r.body).at("token").as_string());
}

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace heat::test
