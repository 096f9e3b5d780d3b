// Creating user accounts, shared by POST /api/v1/users and `heatwatch user add`: validates
// the username, applies the password policy (engine/password_policy.hpp) and stores an
// Argon2id hash, never the password.
#pragma once

#include "engine/identity.hpp"

namespace heat::auth {

struct AccountRequest {
  std::string username;
  std::string display_name;
  std::string role;
  std::string unit;
  std::string agency_id;
  std::string password;
};

// invalid_argument (field named) for a bad username, role or password; already_exists when
// the username is taken.
[[nodiscard]] Result<User> create_account(IdentityStore& store, const AccountRequest& request, const AuditEntry& audit);

}  // namespace heat::auth
