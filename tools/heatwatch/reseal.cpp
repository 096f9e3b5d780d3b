// heatwatch reseal: after a key rotation (a new key first in HEATWATCH_ENCRYPTION_KEY_FILE,
// the old ones after it), re-encrypts victims' identity data and TOTP secrets sealed with an
// older key (or, for TOTP secrets, stored before they were sealed), so the old key can be
// removed from the ring afterwards. Safe beside a running server.
#include "api/auth/auth_service.hpp"
#include "db/field_cipher.hpp"
#include "db/pool.hpp"
#include "db/reseal.hpp"
#include "tools/heatwatch/cli.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <iostream>

namespace heat::cli {

int reseal(int argc, char** argv) {
  po::options_description desc("heatwatch reseal options");
  add_common_options(desc);
  desc.add_options()("batch", po::value<int>()->default_value(200), "victims per transaction (HEATWATCH_BATCH)");
  int code = 0;
  auto vm = parse(argc, argv, desc,
                  "usage: heatwatch reseal --db URL [--batch N]\n"
                  "Re-encrypts victims' identity data with the first key of the ring (HEATWATCH_ENCRYPTION_KEY_FILE:\n"
                  "the new key first, the retired keys after it). Exit 0 when nothing sealed with an old key remains.",
                  code);
  if (!vm) return code;
  setup_logging(*vm);
  auto url = database_url(*vm);
  if (!url) return 2;
  const int batch = (*vm)["batch"].as<int>();
  if (batch < 1 || batch > 10000) {
    std::cerr << "heatwatch: --batch takes 1 to 10000\n";
    return 2;
  }
  auto keys = db::AesGcmCipher::keys_from_environment();
  if (!keys) {
    std::cerr << "heatwatch: reseal needs the key ring: set HEATWATCH_ENCRYPTION_KEY_FILE (new key first) ("
              << keys.error().message << ")\n";
    return 2;
  }
  const db::AesGcmCipher cipher(std::move(*keys));
  auto pool = db::Pool::open(*url, 1);
  if (!pool) {
    spdlog::error("cannot connect to the database: {}", pool.error().message);
    return 1;
  }
  auto clock = make_clock();
  AuditEntry audit = auth::audit_entry(clock->now(), nullptr, "victim.reseal", "victim", "", "success", "local");
  const char* login = getlogin();
  audit.actor_username = std::string("cli:") + (login != nullptr ? login : std::to_string(getuid()));
  std::cerr << "re-sealing with key " << cipher.current_key_id() << "\n";
  auto report = db::reseal_victim_identities(**pool, cipher, batch, audit, [](int done, int total) {
    std::cerr << "\r  " << done << " / " << total << " victims" << std::flush;
  });
  std::cerr << "\n";
  if (!report) {
    std::cerr << "heatwatch: reseal stopped: " << report.error().message << "\n";
    return 1;
  }
  auto secrets = db::reseal_totp_secrets(**pool, cipher, audit);
  if (!secrets) {
    std::cerr << "heatwatch: reseal of TOTP secrets stopped: " << secrets.error().message << "\n";
    return 1;
  }
  std::cout << "re-sealed " << report->values << " values of " << report->victims << " victims and " << *secrets
            << " TOTP secrets with key " << cipher.current_key_id() << "\n";
  return 0;
}

}  // namespace heat::cli
