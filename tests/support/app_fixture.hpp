// A migrated throwaway database with one user per role, created through the real
// `heatwatch user add`, and helpers to sign in over HTTP.
#pragma once

#include "tests/support/http_client.hpp"
#include "tests/support/pg_fixture.hpp"

#include <map>
#include <string>

namespace heat::test {

inline constexpr const char* kTestPassword = "Velvet-Orchid-Lantern-93";

// Migrates the database with `heatwatch migrate`; throws on failure.
void migrate(const TestDatabase& database);

// `heatwatch user add` with the password on stdin; returns the exit status and output.
std::pair<int, std::string> add_user(const TestDatabase& database, const std::string& username,
                                     const std::string& role, const std::string& unit = "ht",
                                     const std::string& password = kTestPassword, const std::string& agency = "");

// Creates users "<role>1" (unit ht) for every role, plus "dda2" in unit "sx".
void add_one_user_per_role(const TestDatabase& database);

// Signs in and returns the bearer token (throws when sign-in fails).
std::string login(unsigned short port, const std::string& username, const std::string& password = kTestPassword);

// Authorization header for a token.
std::map<std::string, std::string> bearer(const std::string& token);

}  // namespace heat::test
