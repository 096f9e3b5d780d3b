// heatwatch user add|disable|enable|unlock|list and heatwatch audit verify: administration
// from the command line, audited like the API (the actor is "cli:<login name>").
#include "api/auth/accounts.hpp"
#include "api/auth/auth_service.hpp"
#include "db/audit_log.hpp"
#include "db/identity_store.hpp"
#include "db/pool.hpp"
#include "tools/heatwatch/cli.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

namespace heat::cli {
namespace {

AuditEntry cli_audit(const Clock& clock, std::string action, std::string entity_id) {
  AuditEntry a = auth::audit_entry(clock.now(), nullptr, std::move(action), "user", std::move(entity_id), "success",
                                   "local");
  const char* login = getlogin();
  a.actor_username = std::string("cli:") + (login != nullptr ? login : std::to_string(getuid()));
  return a;
}

std::unique_ptr<db::Pool> open_pool(const po::variables_map& vm) {
  auto url = database_url(vm);
  if (!url) return nullptr;
  auto pool = db::Pool::open(*url, 1);
  if (!pool) {
    spdlog::error("cannot connect to the database: {}", pool.error().message);
    return nullptr;
  }
  return std::move(*pool);
}

// Finds a user by --username; prints an error when absent.
std::optional<User> find_by_name(db::PgIdentityStore& store, const std::string& username) {
  auto u = store.find_user_by_username(username);
  if (!u) {
    std::cerr << "heatwatch: " << u.error().message << "\n";
    return std::nullopt;
  }
  if (!*u) std::cerr << "heatwatch: no user named " << username << "\n";
  return *u;
}

}  // namespace

int user(int argc, char** argv) {
  const std::string usage =
      "usage: heatwatch user add --username U --role ROLE [--unit UNIT] [--agency A] [--display-name N] "
      "--password-stdin\n"
      "       heatwatch user disable|enable|unlock --username U\n"
      "       heatwatch user list\n"
      "roles: dda, advocate, supervisor, leadership, mdt_partner, admin";
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << usage << "\n";
    return argc < 2 ? 2 : 0;
  }
  const std::string action = argv[1];
  po::options_description desc("heatwatch user options");
  add_common_options(desc);
  desc.add_options()("username", po::value<std::string>()->default_value(""), "the account's username")(
      "role", po::value<std::string>()->default_value(""), "the account's role (add)")(
      "unit", po::value<std::string>()->default_value(""), "unit code such as ht (add)")(
      "agency", po::value<std::string>()->default_value(""), "partner agency id (add, mdt_partner)")(
      "display-name", po::value<std::string>()->default_value(""), "display name (add)")(
      "password-stdin", po::bool_switch(), "read the password as one line from standard input (add)");
  int code = 0;
  auto vm = parse(argc - 1, argv + 1, desc, usage, code);
  if (!vm) return code;
  setup_logging(*vm);
  auto pool = open_pool(*vm);
  if (!pool) return 1;
  db::PgIdentityStore store(*pool);
  SystemClock clock;
  const std::string username = (*vm)["username"].as<std::string>();

  if (action == "list") {
    auto users = store.list_users();
    if (!users) {
      std::cerr << "heatwatch: " << users.error().message << "\n";
      return 1;
    }
    for (const auto& u : *users)
      std::cout << u.username << "\t" << to_string(u.role) << "\t" << (u.unit.empty() ? "-" : u.unit) << "\t"
                << (u.active ? "active" : "disabled") << (u.locked ? ",locked" : "") << "\t" << u.id << "\n";
    return 0;
  }
  if (username.empty()) {
    std::cerr << "heatwatch: --username is required\n" << usage << "\n";
    return 2;
  }
  if (action == "add") {
    if (!(*vm)["password-stdin"].as<bool>()) {
      std::cerr << "heatwatch: pass --password-stdin and the password on standard input (never on the command line)\n";
      return 2;
    }
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    auth::AccountRequest request{username, (*vm)["display-name"].as<std::string>(), (*vm)["role"].as<std::string>(),
                                 (*vm)["unit"].as<std::string>(), (*vm)["agency"].as<std::string>(), password};
    auto created = auth::create_account(store, request, cli_audit(clock, "user.create", ""));
    if (!created) {
      std::cerr << "heatwatch: " << created.error().message;
      for (const auto& f : created.error().fields) std::cerr << ": " << f.field << " " << f.message;
      std::cerr << "\n";
      return created.error().code == ErrorCode::unavailable ? 1 : 2;
    }
    std::cout << "created " << created->username << " (" << to_string(created->role) << ") " << created->id << "\n";
    return 0;
  }
  auto u = find_by_name(store, username);
  if (!u) return 1;
  Status done = Error::of(ErrorCode::invalid_argument, "unknown action");
  if (action == "disable" || action == "enable")
    done = store.set_active(u->id, action == "enable", clock.now(), cli_audit(clock, "user." + action, u->id));
  else if (action == "unlock")
    done = store.unlock(u->id, cli_audit(clock, "user.unlock", u->id));
  else {
    std::cerr << "heatwatch: unknown user action '" << action << "'\n" << usage << "\n";
    return 2;
  }
  if (!done) {
    std::cerr << "heatwatch: " << done.error().message << "\n";
    return 1;
  }
  std::cout << action << "d " << username << "\n";
  return 0;
}

int audit(int argc, char** argv) {
  const std::string usage = "usage: heatwatch audit verify --db URL";
  if (argc < 2 || std::string(argv[1]) != "verify") {
    std::cout << usage << "\n";
    return argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") ? 0 : 2;
  }
  po::options_description desc("heatwatch audit verify options");
  add_common_options(desc);
  int code = 0;
  auto vm = parse(argc - 1, argv + 1, desc, usage, code);
  if (!vm) return code;
  setup_logging(*vm);
  auto pool = open_pool(*vm);
  if (!pool) return 1;
  db::PgAuditLog log(*pool);
  auto v = log.verify();
  if (!v) {
    std::cerr << "heatwatch: " << v.error().message << "\n";
    return 1;
  }
  if (v->valid) {
    std::cout << "audit chain valid: " << v->checked << " entries\n";
    return 0;
  }
  std::cout << "audit chain BROKEN at entry " << *v->broken_at << " (" << v->checked << " checked)\n";
  return 3;
}

}  // namespace heat::cli
