#include "api/auth/accounts.hpp"

#include "api/auth/crypto.hpp"
#include "engine/password_policy.hpp"

namespace heat::auth {

Result<User> create_account(IdentityStore& store, const AccountRequest& r, const AuditEntry& audit) {
  if (r.username.size() < 3 || r.username.size() > 64)
    return Error::invalid("username", "must be 3 to 64 characters");
  for (char c : r.username)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '_' && c != '-')
      return Error::invalid("username", "may hold only letters, digits, '.', '_' and '-'");
  auto role = parse_role(r.role);
  if (!role) return role.error();
  if (*role == Role::mdt_partner && r.agency_id.empty())
    return Error::invalid("agency", "an MDT partner belongs to an agency");
  if (auto ok = check_password(r.password, r.username); !ok) return ok.error();
  auto hash = hash_password(r.password);
  if (!hash) return hash.error();
  NewUser nu{r.username, r.display_name.empty() ? r.username : r.display_name, *role, r.unit, r.agency_id, *hash};
  auto created = store.create_user(nu, audit);
  if (!created && created.error().code == ErrorCode::already_exists)
    return Error::of(ErrorCode::already_exists, "username already taken");
  return created;
}

}  // namespace heat::auth
