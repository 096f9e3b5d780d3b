// A throwaway PostgreSQL database for one test binary, created in the cluster that
// tools/test starts (HEATWATCH_TEST_DATABASE_URL names its admin connection) and dropped
// afterwards. A missing variable fails the test loudly: database tests never skip.
#pragma once

#include <string>

namespace heat::test {

class TestDatabase {
 public:
  // Creates an empty database with a unique name. Throws std::runtime_error when the
  // cluster is not reachable.
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // libpq key=value connection string for this database.
  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] const std::string& name() const { return name_; }

  // Runs one SQL statement through libpq (for test set-up and tampering); throws on error.
  void exec(const std::string& sql) const;
  // First column of the first row, as text ("" for none).
  [[nodiscard]] std::string query_value(const std::string& sql) const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// Admin connection string of the test cluster; throws with a clear message when unset.
std::string test_cluster_url();

}  // namespace heat::test
