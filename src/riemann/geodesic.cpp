#include "sampo/riemann/geodesic.hpp"

#include <cmath>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/spd.hpp"
#include "sampo/linalg/symmetric.hpp"

namespace sampo::riemann {
namespace {
void check_pair(std::string_view fn, const Eigen::Ref<const Eigen::MatrixXd>& a,
                const Eigen::Ref<const Eigen::MatrixXd>& b, double t, bool spd) {
  check_finite(fn, "t", t);
  if (spd)
    check_spd(fn, "a", a);
  else
    check_finite(fn, "a", a);
  check_shape(fn, "b", b, a.rows(), a.cols());
  if (spd)
    check_spd(fn, "b", b);
  else
    check_finite(fn, "b", b);
}
}  // namespace

Eigen::MatrixXd geodesic_riemann(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                 const Eigen::Ref<const Eigen::MatrixXd>& b, double t) {
  check_pair("sampo::riemann::geodesic_riemann", a, b, t, true);
  const linalg::SymmetricEigen ea = linalg::spd_eigen(a);
  const Eigen::MatrixXd a12 = linalg::spd_sqrt(ea);
  const Eigen::MatrixXd inner = linalg::congruence(linalg::spd_invsqrt(ea), b);
  return linalg::congruence(a12, linalg::spd_power(inner, t));
}

Eigen::MatrixXd geodesic_logeuclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                   const Eigen::Ref<const Eigen::MatrixXd>& b, double t) {
  check_pair("sampo::riemann::geodesic_logeuclid", a, b, t, true);
  return linalg::spd_exp((1.0 - t) * linalg::spd_log(a) + t * linalg::spd_log(b));
}

Eigen::MatrixXd geodesic_euclid(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                const Eigen::Ref<const Eigen::MatrixXd>& b, double t) {
  check_pair("sampo::riemann::geodesic_euclid", a, b, t, false);
  return (1.0 - t) * a + t * b;
}

Eigen::MatrixXd geodesic(const Eigen::Ref<const Eigen::MatrixXd>& a,
                         const Eigen::Ref<const Eigen::MatrixXd>& b, double t, Metric metric) {
  switch (metric) {
    case Metric::riemann:
      return geodesic_riemann(a, b, t);
    case Metric::log_euclid:
      return geodesic_logeuclid(a, b, t);
    case Metric::euclid:
      return geodesic_euclid(a, b, t);
  }
  return {};
}

}  // namespace sampo::riemann
