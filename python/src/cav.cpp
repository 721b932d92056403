// sampo.cav: the main entry points of the CAV testing module (sampo::cav): batches of
// naturalistic (NDE) or adversarial (NADE) tests of a scenario, their mc test log, and the
// exact car-following benchmark solved by dynamic programming. The vehicle under test and the
// surrogate are set as on the command line: a preset and "key=value" assignments (a dict is
// accepted too). Batches release the GIL and stop on Ctrl-C (CancellationFlag).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common.hpp"
#include "sampo/cav/driver.hpp"
#include "sampo/cav/environment.hpp"
#include "sampo/cav/exact_car_following.hpp"
#include "sampo/cav/surrogate.hpp"
#include "sampo/cav/test_log.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/test_log.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::python {

namespace {

namespace cav = sampo::cav;

/// The ExactControlVariateOptions of the keyword arguments the two methods share.
cav::ExactControlVariateOptions control_variate_options(bool sparse, int positions,
                                                        bool use_features, bool weighted,
                                                        bool surrogate) {
  cav::ExactControlVariateOptions o;
  o.sparse = sparse;
  o.positions = positions;
  o.use_features = use_features;
  o.weighted = weighted;
  o.surrogate = surrogate;
  return o;
}

// "key=value" assignments from a list of strings or a dict (bools as true/false, numbers in
// their shortest round-trip form).
std::vector<std::string> assignments(const py::object& obj, const char* function,
                                     const char* name) {
  std::vector<std::string> out;
  if (obj.is_none()) return out;
  if (py::isinstance<py::dict>(obj)) {
    for (const auto& [k, v] : py::reinterpret_borrow<py::dict>(obj)) {
      std::string s = py::str(k).cast<std::string>();
      s.append("=");
      if (py::isinstance<py::bool_>(v))
        s.append(v.cast<bool>() ? "true" : "false");
      else if (PyFloat_Check(v.ptr()))
        s.append(format_value(v.cast<double>()));
      else
        s.append(py::str(v).cast<std::string>());
      out.push_back(std::move(s));
    }
    return out;
  }
  if (py::isinstance<py::str>(obj)) {
    std::string msg(function);
    msg.append(": argument '")
        .append(name)
        .append("' must be a list of 'key=value' strings or a dict, not one string");
    throw py::type_error(msg);
  }
  for (const auto& item : obj) out.push_back(py::str(item).cast<std::string>());
  return out;
}

// The background drivers' parametric model from a dict of ParametricNaturalisticOptions
// fields (the IDM mean stays the default).
void naturalistic_options(const py::object& obj, const char* fn,
                          cav::ParametricNaturalisticOptions& o) {
  if (obj.is_none()) return;
  if (!py::isinstance<py::dict>(obj)) {
    std::string msg(fn);
    msg.append(": argument 'naturalistic' must be a dict of model fields or None");
    throw py::type_error(msg);
  }
  const std::vector<std::pair<const char*, double*>> fields{
      {"acceleration_sd", &o.acceleration_sd},
      {"tail_mass", &o.tail_mass},
      {"lane_change_max", &o.lane_change_max},
      {"lane_change_intercept", &o.lane_change_intercept},
      {"lane_change_gain", &o.lane_change_gain},
      {"lane_change_risk", &o.lane_change_risk},
      {"safe_deceleration", &o.safe_deceleration}};
  for (const auto& [k, v] : py::reinterpret_borrow<py::dict>(obj)) {
    const std::string key = py::str(k).cast<std::string>();
    bool found = false;
    for (const auto& [name, field] : fields) {
      if (key == name) {
        *field = v.cast<double>();
        found = true;
      }
    }
    if (!found) {
      std::string msg(fn);
      msg.append(": argument 'naturalistic' has the unknown key '")
          .append(key)
          .append("'; known keys: ");
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) msg.append(", ");
        msg.append(fields[i].first);
      }
      throw py::value_error(msg);
    }
  }
}

/// `surrogates`: None, a list of surrogate preset names, or a dict {preset name: settings}
/// (settings as `surrogate_set`, or None) — TestOptions::logged_surrogates.
std::vector<cav::NamedSurrogate> logged_surrogates(const py::object& obj, const char* function) {
  std::vector<cav::NamedSurrogate> out;
  if (obj.is_none()) return out;
  if (py::isinstance<py::str>(obj)) {
    std::string msg(function);
    msg.append(": argument 'surrogates' must be a list of surrogate preset names or a dict "
               "{name: settings}, not one string");
    throw py::type_error(msg);
  }
  if (py::isinstance<py::dict>(obj)) {
    for (const auto& [k, v] : py::reinterpret_borrow<py::dict>(obj)) {
      const std::string name = py::str(k).cast<std::string>();
      cav::NamedSurrogate s{name, cav::surrogate_preset(name)};
      for (const auto& a : assignments(py::reinterpret_borrow<py::object>(v), function, "surrogates"))
        cav::set_surrogate_parameter(s.parameters, a, "surrogates");
      out.push_back(std::move(s));
    }
    return out;
  }
  for (const auto& item : obj) {
    const std::string name = py::str(item).cast<std::string>();
    out.push_back({name, cav::surrogate_preset(name)});
  }
  return out;
}

struct TestArgs {
  std::string scenario, environment, preset;
  py::object set, surrogate_set, naturalistic, surrogates;
  double epsilon;
  int steps;
  std::uint64_t seed;
  double criticality_threshold, candidate_range;
  int max_candidates;
};

cav::TestOptions test_options(const TestArgs& a, const char* fn) {
  cav::TestOptions o;
  o.scenario = cav::scenario_from_string(a.scenario);
  o.environment = cav::environment_from_string(a.environment);
  o.cav = cav::driver_preset(a.preset);
  cav::set_parameters(o.cav, assignments(a.set, fn, "set"), "set");
  for (const auto& s : assignments(a.surrogate_set, fn, "surrogate_set"))
    cav::set_surrogate_parameter(o.surrogate, s, "surrogate_set");
  naturalistic_options(a.naturalistic, fn, o.naturalistic);
  o.logged_surrogates = logged_surrogates(a.surrogates, fn);
  o.epsilon = a.epsilon;
  o.steps = a.steps;
  o.seed = a.seed;
  o.criticality_threshold = a.criticality_threshold;
  o.candidate_range = a.candidate_range;
  o.max_candidates = a.max_candidates;
  o.validate(fn);
  return o;
}

parallel::MapReduceOptions parallel_options(int threads, std::size_t block_size) {
  parallel::MapReduceOptions p;
  p.threads = threads;
  p.block_size = block_size;
  p.use_mpi = false;  // a Python process: the batch stays in it
  return p;
}

template <class Test>
py::dict tests_dict(const std::vector<Test>& tests) {
  const auto n = static_cast<py::ssize_t>(tests.size());
  py::array_t<double> result(n), lr(n);
  py::array_t<bool> crash(n);
  py::array_t<std::int64_t> steps(n), critical(n);
  auto r = result.mutable_unchecked<1>();
  auto l = lr.mutable_unchecked<1>();
  auto c = crash.mutable_unchecked<1>();
  auto s = steps.mutable_unchecked<1>();
  auto k = critical.mutable_unchecked<1>();
  for (py::ssize_t i = 0; i < n; ++i) {
    const Test& t = tests[static_cast<std::size_t>(i)];
    r(i) = t.result();
    l(i) = t.likelihood_ratio;
    c(i) = t.crash;
    s(i) = t.steps;
    k(i) = static_cast<std::int64_t>(t.critical.size());
  }
  py::dict d;
  d["result"] = result;
  d["crash"] = crash;
  d["likelihood_ratio"] = lr;
  d["steps"] = steps;
  d["critical_steps"] = critical;
  return d;
}

}  // namespace

void bind_cav(py::module_& m) {
  py::class_<cav::CriticalStep>(m, "CriticalStep",
                                "One critical step of a NADE test (sampo::cav::CriticalStep).")
      .def_readonly("step", &cav::CriticalStep::step)
      .def_readonly("ordinal", &cav::CriticalStep::ordinal)
      .def_readonly("vehicle", &cav::CriticalStep::vehicle)
      .def_readonly("action", &cav::CriticalStep::action)
      .def_readonly("p", &cav::CriticalStep::p)
      .def_readonly("q", &cav::CriticalStep::q)
      .def_readonly("epsilon", &cav::CriticalStep::epsilon)
      .def_readonly("surrogate_value", &cav::CriticalStep::surrogate_value)
      .def_readonly("criticality", &cav::CriticalStep::criticality)
      .def("__repr__", [](const cav::CriticalStep& c) {
        std::string s = "CriticalStep(step=";
        s.append(std::to_string(c.step))
            .append(", vehicle=")
            .append(std::to_string(c.vehicle))
            .append(", action=")
            .append(std::to_string(c.action))
            .append(", p=")
            .append(format_value(c.p))
            .append(", q=")
            .append(format_value(c.q))
            .append(")");
        return s;
      });
  py::class_<cav::TestRecord>(m, "TestRecord", "The outcome of one test.")
      .def_readonly("index", &cav::TestRecord::index)
      .def_readonly("crash", &cav::TestRecord::crash)
      .def_readonly("collision_partner", &cav::TestRecord::collision_partner)
      .def_readonly("collision_step", &cav::TestRecord::collision_step)
      .def_readonly("steps", &cav::TestRecord::steps)
      .def_readonly("cav_lane_changes", &cav::TestRecord::cav_lane_changes)
      .def_readonly("likelihood_ratio", &cav::TestRecord::likelihood_ratio)
      .def_readonly("critical", &cav::TestRecord::critical)
      .def_readonly("surrogate_values", &cav::TestRecord::surrogate_values,
                    "per critical step j and logged surrogate s (m of them): entry j*m + s, V_s "
                    "of the sampled action")
      .def_readonly("surrogate_means", &cav::TestRecord::surrogate_means,
                    "same layout: the naturalistic mean of V_s at the step")
      .def_property_readonly("result", &cav::TestRecord::result, "Y = crash × likelihood ratio")
      .def("__repr__", [](const cav::TestRecord& t) {
        std::string s = "TestRecord(index=";
        s.append(std::to_string(t.index))
            .append(", crash=")
            .append(t.crash ? "True" : "False")
            .append(", likelihood_ratio=")
            .append(format_value(t.likelihood_ratio))
            .append(", steps=")
            .append(std::to_string(t.steps))
            .append(", critical_steps=")
            .append(std::to_string(t.critical.size()))
            .append(")");
        return s;
      });
  py::class_<cav::BatchResult>(m, "BatchResult", "A batch of tests (sampo::cav::BatchResult).")
      .def_readonly("tests", &cav::BatchResult::tests, "the TestRecords, test n at position n")
      .def_readonly("estimate", &cav::BatchResult::estimate)
      .def_readonly("standard_error", &cav::BatchResult::standard_error)
      .def_readonly("crashes", &cav::BatchResult::crashes)
      .def_readonly("run", &cav::BatchResult::run)
      .def(
          "to_dict", [](const cav::BatchResult& b) { return tests_dict(b.tests); },
          "The tests as a dict of arrays: result, crash, likelihood_ratio, steps, "
          "critical_steps.")
      .def("__repr__", [](const cav::BatchResult& b) {
        std::string s = "BatchResult(tests=";
        s.append(std::to_string(b.tests.size()))
            .append(", crashes=")
            .append(std::to_string(b.crashes))
            .append(", estimate=")
            .append(format_value(b.estimate))
            .append(", standard_error=")
            .append(format_value(b.standard_error))
            .append(")");
        return s;
      });

  m.def("driver_preset_names", &cav::driver_preset_names,
        "The presets of the vehicle under test, safest first.");
  m.def("driver_parameter_keys", &cav::driver_parameter_keys, "The keys of `set`.");
  m.def("surrogate_parameter_keys", &cav::surrogate_parameter_keys, "The keys of `surrogate_set`.");
  m.def("surrogate_preset_names", &cav::surrogate_preset_names,
        "The names `surrogates` takes: 'nade' (NADE's default surrogate) and the driver presets.");
  m.def("dp_parameter_keys", &cav::dp_parameter_keys,
        "The keys of ExactCarFollowing's `set` and `surrogate_set`.");

  const cav::TestOptions d;
  const std::string default_preset = "normal";
#define SAMPO_CAV_TEST_ARGS                                                             \
  py::arg("scenario") = std::string(cav::to_string(d.scenario)), py::kw_only(),         \
  py::arg("environment") = std::string(cav::to_string(d.environment)),                  \
  py::arg("preset") = default_preset, py::arg("set") = py::none(),                      \
  py::arg("surrogate_set") = py::none(), py::arg("naturalistic") = py::none(),          \
  py::arg("surrogates") = py::none(),                                                   \
  py::arg("epsilon") = d.epsilon, py::arg("steps") = d.steps, py::arg("seed") = d.seed, \
  py::arg("criticality_threshold") = d.criticality_threshold,                           \
  py::arg("candidate_range") = d.candidate_range, py::arg("max_candidates") = d.max_candidates

  m.def(
      "run_test",
      [](std::uint64_t index, const std::string& scenario, const std::string& environment,
         const std::string& preset, const py::object& set, const py::object& surrogate_set,
         const py::object& naturalistic, const py::object& surrogates, double epsilon, int steps,
         std::uint64_t seed, double threshold, double range, int candidates) {
        const auto o = test_options({scenario, environment, preset, set, surrogate_set,
                                     naturalistic, surrogates, epsilon, steps, seed, threshold,
                                     range, candidates},
                                    "sampo.cav.run_test");
        py::gil_scoped_release release;
        return cav::run_test(o, index);
      },
      py::arg("index"), SAMPO_CAV_TEST_ARGS,
      "Test number `index` of the configuration (a pure function of the options and index).");
  const parallel::MapReduceOptions pd;
  // run_tests and run_test_log: the same arguments, one batch function each.
  const auto batch = [](const char* fn, auto run) {
    return [fn, run](std::size_t tests, const std::string& scenario, const std::string& environment,
                     const std::string& preset, const py::object& set,
                     const py::object& surrogate_set, const py::object& naturalistic,
                     const py::object& surrogates, double epsilon, int steps, std::uint64_t seed,
                     double threshold, double range, int candidates, int threads,
                     std::size_t block_size) {
      const auto o = test_options({scenario, environment, preset, set, surrogate_set, naturalistic,
                                   surrogates, epsilon, steps, seed, threshold, range, candidates},
                                  fn);
      auto par = parallel_options(threads, block_size);
      return run_interruptible([&](const CancellationFlag* flag) {
        par.cancel = flag;
        return run(o, tests, par);
      });
    };
  };
  m.def("run_tests",
        batch("sampo.cav.run_tests",
              [](const cav::TestOptions& o, std::size_t n, const parallel::MapReduceOptions& par) {
                return cav::run_tests(o, n, par);
              }),
        py::arg("tests"), SAMPO_CAV_TEST_ARGS, py::arg("threads") = pd.threads,
        py::arg("block_size") = 64,
        "Tests 0 .. tests-1 on OpenMP threads (the same bits for any threads and block_size); "
        "scenario 'car-following', 'cut-in' or 'overtaking', environment 'nde' or 'nade', "
        "preset and set ('key=value' strings or a dict) for the vehicle under test, "
        "surrogate_set for NADE's surrogate, naturalistic (a dict: acceleration_sd, tail_mass, "
        "lane_change_max, lane_change_intercept, lane_change_gain, lane_change_risk, "
        "safe_deceleration) for the background drivers, surrogates (NADE: more surrogate models "
        "to log at the critical steps, a list of surrogate preset names or a dict {name: "
        "settings}). Ctrl-C stops it (KeyboardInterrupt).");
  m.def("run_test_log",
        batch("sampo.cav.run_test_log",
              [](const cav::TestOptions& o, std::size_t n, const parallel::MapReduceOptions& par) {
                return cav::run_test_log(o, n, par);
              }),
        py::arg("tests"), SAMPO_CAV_TEST_ARGS, py::arg("threads") = pd.threads,
        py::arg("block_size") = 64,
        "run_tests as a sampo.mc.TestLog (Y = crash, L = Π p/q; per critical step p, q, ε, the "
        "feature 'criticality' and the surrogate 'sm', then one surrogate per `surrogates`), for "
        "sampo.mc's estimators.");
#undef SAMPO_CAV_TEST_ARGS

  // ---- the exact benchmark ----
  py::class_<cav::DpTest>(m, "DpTest", "One test of the exact benchmark.")
      .def_readonly("crash", &cav::DpTest::crash)
      .def_readonly("steps", &cav::DpTest::steps)
      .def_readonly("likelihood_ratio", &cav::DpTest::likelihood_ratio)
      .def_readonly("critical", &cav::DpTest::critical)
      .def_property_readonly("result", &cav::DpTest::result)
      .def("__repr__", [](const cav::DpTest& t) {
        std::string s = "DpTest(crash=";
        s.append(t.crash ? "True" : "False")
            .append(", steps=")
            .append(std::to_string(t.steps))
            .append(", likelihood_ratio=")
            .append(format_value(t.likelihood_ratio))
            .append(")");
        return s;
      });
  py::class_<cav::ExactControlVariateResult>(
      m, "ExactControlVariateResult",
      "Exact moments of the control variates of ExactCarFollowing.control_variates() and of Y "
      "under q, the optimal fixed coefficients and the estimator's exact variance.")
      .def_readonly("names", &cav::ExactControlVariateResult::names, "the controls, as mc names them")
      .def_readonly("mean_y", &cav::ExactControlVariateResult::mean_y, "E_q[Y]")
      .def_readonly("second_moment_y", &cav::ExactControlVariateResult::second_moment_y, "E_q[Y²]")
      .def_readonly("mean", &cav::ExactControlVariateResult::mean, "E_q[h] (0 up to rounding)")
      .def_readonly("second_moment", &cav::ExactControlVariateResult::second_moment, "E_q[h hᵀ]")
      .def_readonly("cross_moment", &cav::ExactControlVariateResult::cross_moment, "E_q[Y h]")
      .def_readonly("coefficients", &cav::ExactControlVariateResult::coefficients,
                    "β* = Cov(h)⁺ Cov(h, Y)")
      .def_readonly("rank", &cav::ExactControlVariateResult::rank)
      .def_readonly("is_variance", &cav::ExactControlVariateResult::is_variance, "Var_q(Y)")
      .def_readonly("variance", &cav::ExactControlVariateResult::variance, "Var_q(Y − β*ᵀh)")
      .def("variance_at", &cav::ExactControlVariateResult::variance_at, py::arg("beta"),
           "Var_q(Y − βᵀh) for a fixed β.")
      .def_property_readonly("variance_reduction", &cav::ExactControlVariateResult::variance_reduction,
                             "is_variance / variance")
      .def_readonly("run", &cav::ExactControlVariateResult::run)
      .def("__repr__", [](const cav::ExactControlVariateResult& r) {
        return Repr("ExactControlVariateResult")
            .count("controls", static_cast<long long>(r.names.size()))
            .number("is_variance", r.is_variance)
            .number("variance", r.variance)
            .number("variance_reduction", r.variance_reduction())
            .str();
      });
  const cav::ExactCarFollowingOptions ed;
  const cav::ExactControlVariateOptions cvd;
  py::class_<cav::ExactCarFollowing>(
      m, "ExactCarFollowing",
      "The exact car-following benchmark (sampo::cav::ExactCarFollowing): crash probabilities "
      "of the vehicle under test and of the surrogate, and the exact mean and second moment of "
      "the NADE importance-sampling estimator, by backward dynamic programming.")
      .def(py::init([](int steps, int max_gap, int max_speed, int initial_gap,
                       int initial_lead_speed, int initial_speed, const py::object& lead_pmf,
                       const py::object& set, const py::object& surrogate_set, double epsilon) {
             constexpr const char* fn = "sampo.cav.ExactCarFollowing";
             cav::ExactCarFollowingOptions o;
             o.steps = steps;
             o.max_gap = max_gap;
             o.max_speed = max_speed;
             o.initial_gap = initial_gap;
             o.initial_lead_speed = initial_lead_speed;
             o.initial_speed = initial_speed;
             if (!lead_pmf.is_none()) {
               const Eigen::VectorXd pmf = vector_arg(lead_pmf, fn, "lead_pmf");
               if (pmf.size() != 7)
                 throw py::value_error(std::string(fn) + ": argument 'lead_pmf' has " +
                                       std::to_string(pmf.size()) +
                                       " entries; expected 7 (a_L = -4 .. 2 m/s²)");
               for (int k = 0; k < 7; ++k) o.lead_pmf[static_cast<std::size_t>(k)] = pmf(k);
             }
             for (const auto& s : assignments(set, fn, "set"))
               cav::set_dp_parameter(o.cav, s, "set");
             for (const auto& s : assignments(surrogate_set, fn, "surrogate_set"))
               cav::set_dp_parameter(o.surrogate, s, "surrogate_set");
             o.epsilon = epsilon;
             py::gil_scoped_release release;
             return cav::ExactCarFollowing(o);
           }),
           py::kw_only(), py::arg("steps") = ed.steps, py::arg("max_gap") = ed.max_gap,
           py::arg("max_speed") = ed.max_speed, py::arg("initial_gap") = ed.initial_gap,
           py::arg("initial_lead_speed") = ed.initial_lead_speed,
           py::arg("initial_speed") = ed.initial_speed, py::arg("lead_pmf") = py::none(),
           py::arg("set") = py::none(), py::arg("surrogate_set") = py::none(),
           py::arg("epsilon") = ed.epsilon)
      .def_property_readonly("crash_probability", &cav::ExactCarFollowing::crash_probability)
      .def_property_readonly("surrogate_crash_probability",
                             &cav::ExactCarFollowing::surrogate_crash_probability)
      .def_property_readonly("is_mean", &cav::ExactCarFollowing::is_mean)
      .def_property_readonly("is_second_moment", &cav::ExactCarFollowing::is_second_moment)
      .def_property_readonly("is_fourth_moment", &cav::ExactCarFollowing::is_fourth_moment)
      .def_property_readonly("is_relative_variance", &cav::ExactCarFollowing::is_relative_variance)
      .def_property_readonly("lead_pmf",
                             [](const cav::ExactCarFollowing& e) {
                               const auto& p = e.options().lead_pmf;
                               return py::array_t<double>(7, p.data());
                             })
      .def_property_readonly("epsilon",
                             [](const cav::ExactCarFollowing& e) { return e.options().epsilon; })
      .def_property_readonly("steps",
                             [](const cav::ExactCarFollowing& e) { return e.options().steps; })
      .def("value", &cav::ExactCarFollowing::value, py::arg("t"), py::arg("gap"),
           py::arg("lead_speed"), py::arg("speed"),
           "The vehicle under test's crash probability-to-go before step t.")
      .def("surrogate_value", &cav::ExactCarFollowing::surrogate_value, py::arg("t"),
           py::arg("gap"), py::arg("lead_speed"), py::arg("speed"))
      .def(
          "importance_pmf",
          [](const cav::ExactCarFollowing& e, int t, int gap, int lead_speed, int speed) {
            std::array<double, 7> q{};
            const bool critical = e.importance_pmf(t, gap, lead_speed, speed, q);
            return py::make_tuple(critical, py::array_t<double>(7, q.data()));
          },
          py::arg("t"), py::arg("gap"), py::arg("lead_speed"), py::arg("speed"),
          "(critical, q): the importance pmf at step t in that state (q = p when not critical).")
      .def("sample", &cav::ExactCarFollowing::sample, py::arg("seed"), py::arg("index"),
           "Test `index` under importance sampling (a pure function of seed and index).")
      .def("sample_naturalistic", &cav::ExactCarFollowing::sample_naturalistic, py::arg("seed"),
           py::arg("index"), "Test `index` under the naturalistic pmf.")
      .def(
          "test_log",
          [](const cav::ExactCarFollowing& e, std::size_t tests, std::uint64_t seed,
             bool naturalistic) {
            py::gil_scoped_release release;
            std::vector<cav::DpTest> t;
            t.reserve(tests);
            for (std::size_t i = 0; i < tests; ++i)
              t.push_back(naturalistic ? e.sample_naturalistic(seed, i) : e.sample(seed, i));
            return cav::to_test_log(t);
          },
          py::arg("tests"), py::kw_only(), py::arg("seed") = 0, py::arg("naturalistic") = false,
          "Tests 0 .. tests-1 (importance sampling, or naturalistic) as a sampo.mc.TestLog.")
      .def(
          "control_variates",
          [](const cav::ExactCarFollowing& e, bool sparse, int positions, bool use_features,
             bool weighted, bool surrogate, double rank_tolerance) {
            cav::ExactControlVariateOptions o =
                control_variate_options(sparse, positions, use_features, weighted, surrogate);
            o.rank_tolerance = rank_tolerance;
            py::gil_scoped_release release;
            return e.control_variates(o);
          },
          py::kw_only(), py::arg("sparse") = cvd.sparse, py::arg("positions") = cvd.positions,
          py::arg("use_features") = cvd.use_features, py::arg("weighted") = cvd.weighted,
          py::arg("surrogate") = cvd.surrogate, py::arg("rank_tolerance") = cvd.rank_tolerance,
          "Exact moments of mc's sparse controls (sparse, positions, use_features, weighted) "
          "and/or the surrogate's martingale control (surrogate) on this benchmark's tests, the "
          "optimal fixed coefficients and the exact variance (an ExactControlVariateResult).")
      .def(
          "control_variate_fourth_moment",
          [](const cav::ExactCarFollowing& e, const py::object& beta, bool sparse, int positions,
             bool use_features, bool weighted, bool surrogate) {
            const cav::ExactControlVariateOptions o =
                control_variate_options(sparse, positions, use_features, weighted, surrogate);
            const Eigen::VectorXd b =
                vector_arg(beta, "sampo.cav.ExactCarFollowing.control_variate_fourth_moment", "beta");
            py::gil_scoped_release release;
            return e.control_variate_fourth_moment(o, b);
          },
          py::arg("beta"), py::kw_only(), py::arg("sparse") = cvd.sparse,
          py::arg("positions") = cvd.positions, py::arg("use_features") = cvd.use_features,
          py::arg("weighted") = cvd.weighted, py::arg("surrogate") = cvd.surrogate,
          "E_q[(v − E v)⁴] of the values v = Y − βᵀh for fixed beta (the controls as in "
          "control_variates with the same options).")
      .def_property_readonly("run", &cav::ExactCarFollowing::run)
      .def("__repr__", [](const cav::ExactCarFollowing& e) {
        std::string s = "ExactCarFollowing(crash_probability=";
        s.append(format_value(e.crash_probability()))
            .append(", is_mean=")
            .append(format_value(e.is_mean()))
            .append(", is_second_moment=")
            .append(format_value(e.is_second_moment()))
            .append(", epsilon=")
            .append(format_value(e.options().epsilon))
            .append(")");
        return s;
      });
}

}  // namespace sampo::python
