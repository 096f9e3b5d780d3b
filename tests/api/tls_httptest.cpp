// HTTPS: TLS 1.2 is the floor. The refusal of TLS 1.1 must come from the server, so the same
// client command is first shown to succeed against an OpenSSL server that allows TLS 1.1
// (the positive control): the client's own policy is not what refuses it.
#include "tests/support/app_fixture.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace heat::test {
namespace {

std::string make_certificate(const std::string& dir) {
  auto [rc, out] = run_command("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
                               dir + "/key.pem -out " + dir + "/cert.pem -days 2 -subj /CN=localhost");
  if (rc != 0) throw std::runtime_error("openssl req failed: " + out);
  return dir;
}

std::pair<int, std::string> s_client(unsigned short port, const std::string& version) {
  return run_command("echo | timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " +
                     version + " -cipher DEFAULT@SECLEVEL=0");
}

// s_client prints the protocol it offered even when the handshake failed; a real session
// also names a cipher.
bool negotiated(const std::string& out, const std::string& version) {
  return out.find("Protocol  : " + version) != std::string::npos &&
         out.find("Cipher is (NONE)") == std::string::npos && out.find("Cipher is ") != std::string::npos;
}

unsigned short free_port() {
  auto [rc, out] = run_command(
      "python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])'");
  return static_cast<unsigned short>(std::stoi(out));
}

TEST(Tls, Tls11IsRefusedByTheServerAndTls12Works) {
  char tmpl[] = "/tmp/heatwatch-tls.XXXXXX";
  const std::string dir = make_certificate(mkdtemp(tmpl));

  // Positive control: a TLS 1.1 server accepts this very client command.
  const unsigned short control_port = free_port();
  pid_t control = fork();
  if (control == 0) {
    execlp("openssl", "openssl", "s_server", "-accept", std::to_string(control_port).c_str(), "-cert",
           (dir + "/cert.pem").c_str(), "-key", (dir + "/key.pem").c_str(), "-tls1_1", "-cipher",
           "DEFAULT@SECLEVEL=0", "-www", "-quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::pair<int, std::string> control_result;
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    control_result = s_client(control_port, "-tls1_1");
    if (negotiated(control_result.second, "TLSv1.1")) break;
  }
  kill(control, SIGTERM);
  waitpid(control, nullptr, 0);
  ASSERT_TRUE(negotiated(control_result.second, "TLSv1.1"))
      << "positive control failed: this client cannot speak TLS 1.1 at all\n" << control_result.second;

  TestDatabase database;
  migrate(database);
  ServerProcess server(database.url(), {"--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
  auto old = s_client(server.port(), "-tls1_1");
  EXPECT_NE(old.first, 0) << old.second;
  EXPECT_FALSE(negotiated(old.second, "TLSv1.1")) << old.second;
  // The refusal is the server's: it answered with a protocol_version alert.
  EXPECT_NE(old.second.find("alert protocol version"), std::string::npos) << old.second;
  auto modern = s_client(server.port(), "-tls1_2");
  EXPECT_EQ(modern.first, 0) << modern.second;
  EXPECT_TRUE(negotiated(modern.second, "TLSv1.2")) << modern.second;
  // A weak TLS 1.2 suite (no forward secrecy) is refused too.
  auto weak = run_command("echo | timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(server.port()) +
                          " -tls1_2 -cipher AES128-SHA");
  EXPECT_NE(weak.first, 0) << weak.second;
  // And HTTP over it works.
  auto [rc, out] = run_command("curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:" +
                               std::to_string(server.port()) + "/healthz");
  EXPECT_EQ(out, "200");
  run_command("rm -rf " + dir);
}

}  // namespace
}  // namespace heat::test
