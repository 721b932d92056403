// Uses an installed sampo the way a user's analysis code does: one call into each module.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sampo/sampo.hpp>

int main() {
  int failures = 0;
  auto expect = [&](bool ok, const char* what) {
    std::printf("%-44s %s\n", what, ok ? "ok" : "FAILED");
    failures += ok ? 0 : 1;
  };
  expect(std::string(sampo::version()) == SAMPO_VERSION_STRING, "core: version");

  Eigen::Matrix2d a;
  a << 4.0, 0.0, 0.0, 9.0;
  const Eigen::MatrixXd log_a = sampo::linalg::spd_log(a);
  expect(std::abs(log_a(1, 1) - std::log(9.0)) < 1e-14, "linalg: spd_log of a diagonal matrix");

  const double total = sampo::parallel::map_reduce(
      1000, [](std::size_t i) { return sampo::parallel::RandomStream(7, 0, i).uniform(); },
      [](double x, double y) { return x + y; });
  expect(std::abs(total / 1000 - 0.5) < 0.05, "parallel: map_reduce of Philox uniforms");

  const auto path = std::filesystem::temp_directory_path() / "sampo_consumer.csv";
  sampo::io::write_csv(path, Eigen::MatrixXd::Identity(2, 2), {"x", "y"});
  expect(sampo::io::read_csv(path).column("y")(1) == 1.0, "io: CSV round trip");
  std::filesystem::remove(path);

  sampo::knots::Options opt;
  opt.rtol = 1e-8;
  const auto fit = sampo::knots::fit([](double x) { return std::sin(x); }, 0.0, 3.0, opt);
  expect(fit.run.converged() && std::abs(fit.interpolant(1.0) - std::sin(1.0)) < 1e-6,
         "knots: AutoKnots fit of sin");

  return failures == 0 ? 0 : 1;
}
