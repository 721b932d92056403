// `sampo sketch scores|sample|regress|distortion`: ℓp scores of a tall matrix, ℓp row samples,
// ℓp regression and the distortion of a sample (sampo::sketch). Matrices are read from .npy
// or headerless numeric .csv files (--header: the CSV's first line names the columns), Matrix
// Market .mtx files or SciPy sparse .npz files (CSR/CSC, as scipy.sparse.save_npz writes them;
// inputs only), and written the same way, chosen by the file extension. A sparse input (.mtx,
// .npz) stays sparse for `scores --kind leverage|lewis` (exact or --approx EPS),
// `--kind root-leverage` and `--kind sensitivity`, and is densified otherwise. Every output of one run (--out, --indices, --json) is written inside one
// io::OutputTransaction: all appear, or none.
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/json.hpp"
#include "sampo/io/matrix_market.hpp"
#include "sampo/io/npy.hpp"
#include "sampo/io/npz.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/sketch.hpp"

namespace po = boost::program_options;

namespace {
constexpr const char* kCmd = "sampo sketch";

bool has_extension(const std::string& path, const char* ext) {
  return std::filesystem::path(path).extension() == ext;
}

bool sparse_file(const std::string& path) {
  return has_extension(path, ".mtx") || has_extension(path, ".npz");
}

Eigen::SparseMatrix<double> read_sparse(const std::string& path) {
  if (has_extension(path, ".npz")) return sampo::io::read_npz_sparse(path);
  return sampo::io::read_matrix_market_sparse(path);
}

Eigen::MatrixXd read_matrix(const std::string& option, const std::string& path, bool header) {
  if (has_extension(path, ".npy")) return sampo::io::read_npy_matrix(path);
  if (has_extension(path, ".mtx")) return sampo::io::read_matrix_market(path);
  if (has_extension(path, ".npz")) return Eigen::MatrixXd(sampo::io::read_npz_sparse(path));
  if (has_extension(path, ".csv")) {
    sampo::io::CsvOptions o;
    o.header = header;
    o.text_columns = false;
    return sampo::io::read_csv(path, o).data;
  }
  sampo::throw_invalid_argument(kCmd, option, path, "must end in .npy, .csv, .mtx (Matrix Market) or .npz (SciPy sparse)");
}

void write_matrix(const std::string& path, const Eigen::MatrixXd& m) {
  if (has_extension(path, ".npy"))
    sampo::io::write_npy_matrix(path, m);
  else
    sampo::io::write_csv(path, m);
}

void check_output_name(const std::string& option, const std::string& path) {
  if (!path.empty() && !has_extension(path, ".npy") && !has_extension(path, ".csv"))
    sampo::throw_invalid_argument(kCmd, option, path, "must end in .npy or .csv (outputs)");
}

nlohmann::json run_json(const sampo::Run& run) {
  return {{"termination", std::string(sampo::to_string(run.termination))},
          {"message", run.message},
          {"iterations", run.iterations},
          {"evaluations", run.evaluations},
          {"seconds", run.seconds}};
}
}  // namespace

SAMPO_CLI_COMMAND(sketch, "lp scores (leverage, Lewis, sensitivities), lp row samples, lp regression, distortion") {
  namespace sk = sampo::sketch;
  const std::string cmd = kCmd;
  std::string mode, in, out, kind = "leverage", scores_name = "lewis", indices, b_path, sample_path;
  double p = 2.0, approx = 0.0, eps = 0.0, rows = 0.0, leverage_share = 0.5;
  bool header = false;
  po::options_description desc("sampo sketch options");
  desc.add_options()
      ("mode", po::value(&mode)->required(), "scores, sample, regress or distortion")
      ("in", po::value(&in)->required(), "the matrix A (n x d, n >= d): .npy, .csv, .mtx (Matrix Market) or .npz (scipy.sparse.save_npz, CSR/CSC)")
      ("header", po::bool_switch(&header), "CSV inputs have a header line")
      ("p", po::value(&p)->default_value(p), "the lp norm, p >= 1")
      ("kind", po::value(&kind)->default_value(kind), "scores: leverage, root-leverage, lewis or sensitivity")
      ("approx", po::value(&approx)->default_value(approx), "scores --kind leverage|lewis: approximate leverage (or Lewis weights on approximate leverage, p < 4) with relative error EPS in (0, 1) per leverage step (0: exact); a sparse --in (.mtx, .npz) stays sparse for leverage, root-leverage, lewis (exact or approximate) and sensitivity")
      ("scores", po::value(&scores_name)->default_value(scores_name), "sample: sensitivity, lewis, root-leverage, leverage, uniform or leverage-sensitivity (p > 2: the two combined)")
      ("leverage-share", po::value(&leverage_share)->default_value(leverage_share), "sample --scores leverage-sensitivity: the share λ in [0, 1] of the expected rows drawn by leverage scores (s = 2[(1 - λ)σ/S + λτ/r]; 0: sensitivities alone, 1: leverage alone)")
      ("rows", po::value(&rows)->default_value(rows), "sample: expected number of rows (<= n)")
      ("eps", po::value(&eps)->default_value(eps), "sample: target distortion in (0, 1) (matrix Chernoff α, a guarantee only for p = 2; leverage-sensitivity: the combined bound's α, p > 2)")
      ("indices", po::value(&indices)->default_value(""), "sample: also write the kept row indices (.npy int64 or .csv)")
      ("b", po::value(&b_path)->default_value(""), "regress: the right-hand side b (n entries)")
      ("sample", po::value(&sample_path)->default_value(""), "distortion: the sampled, rescaled rows SA (m x d)")
      ("out", po::value(&out)->default_value(""), "scores/sample/regress: the result (.npy or .csv)");
  po::positional_options_description positional;
  positional.add("mode", 1);
  const auto vm = sampo::cli::parse_command_line(
      "sketch",
      "scores|sample|regress|distortion --in A.npy [--p P] [--kind K] [--scores S --rows M|--eps E] [--leverage-share L] "
      "[--b b.npy] [--sample SA.npy] [--out F] [--indices F] [--json F]",
      desc, args, &positional);
  if (!vm) return 0;
  if (mode != "scores" && mode != "sample" && mode != "regress" && mode != "distortion")
    sampo::throw_invalid_argument(cmd, "mode", mode, "must be scores, sample, regress or distortion");
  if (mode != "scores") sampo::cli::reject_options(cmd, *vm, {"kind", "approx"}, "applies only to the scores mode");
  if (mode != "sample")
    sampo::cli::reject_options(cmd, *vm, {"scores", "rows", "eps", "indices", "leverage-share"}, "applies only to the sample mode");
  if (mode != "regress") sampo::cli::reject_options(cmd, *vm, {"b"}, "applies only to the regress mode");
  if (mode != "distortion") sampo::cli::reject_options(cmd, *vm, {"sample"}, "applies only to the distortion mode");
  else sampo::cli::reject_options(cmd, *vm, {"out"}, "does not apply to the distortion mode (use --json)");
  check_output_name("--out", out);
  check_output_name("--indices", indices);
  sampo::cli::check_distinct_outputs(cmd, {{"--out", out}, {"--indices", indices}, {"--json", global.json}});
  if (!(p >= 1.0) || !std::isfinite(p)) sampo::throw_invalid_argument(cmd, "--p", sampo::format_value(p), "must be finite and >= 1");
  if (!(leverage_share >= 0.0 && leverage_share <= 1.0))
    sampo::throw_invalid_argument(cmd, "--leverage-share", sampo::format_value(leverage_share), "must be in [0, 1]");

  // A sparse file stays sparse where the library has a sparse route: leverage (exact or
  // approximate), root leverage (from exact leverage), Lewis weights (exact or approximate) and
  // sensitivities.
  const bool keep_sparse = mode == "scores" && sparse_file(in) &&
                           (kind == "leverage" || kind == "lewis" ||
                            ((kind == "root-leverage" || kind == "sensitivity") && approx == 0.0));
  Eigen::MatrixXd a;
  Eigen::SparseMatrix<double> a_sparse;
  if (keep_sparse)
    a_sparse = read_sparse(in);
  else
    a = read_matrix("--in", in, header);
  const Eigen::Index n_rows = keep_sparse ? a_sparse.rows() : a.rows();
  const Eigen::Index n_cols = keep_sparse ? a_sparse.cols() : a.cols();
  nlohmann::json j;
  j["command"] = "sketch";
  j["mode"] = mode;
  j["p"] = p;
  j["rows"] = n_rows;
  j["cols"] = n_cols;
  if (keep_sparse) j["nonzeros"] = a_sparse.nonZeros();
  sampo::Run run;
  sampo::io::OutputTransaction outputs;
  if (mode == "scores") {
    Eigen::VectorXd s;
    if (kind == "leverage" && approx > 0.0) {
      sk::ApproxLeverageOptions o;
      o.epsilon = approx;
      o.seed = global.seed;
      const auto r = keep_sparse ? sk::approximate_leverage_scores(a_sparse, o) : sk::approximate_leverage_scores(a, o);
      s = r.scores;
      run = r.run;
      j["ratio_bounds"] = {r.ratio_lower, r.ratio_upper};
    } else if (kind == "lewis" && approx > 0.0) {
      sk::ApproxLewisOptions o;
      o.leverage.epsilon = approx;
      o.leverage.seed = global.seed;
      const auto r = keep_sparse ? sk::approximate_lewis_weights(a_sparse, p, o) : sk::approximate_lewis_weights(a, p, o);
      s = r.weights;
      run = r.run;
      j["error_bound"] = r.error_bound;
      j["failure_probability"] = r.failure_probability;
    } else {
      if (approx > 0.0) sampo::throw_invalid_argument(cmd, "--approx", sampo::format_value(approx), "applies only to --kind leverage or lewis");
      if (kind == "lewis") {
        const auto r = keep_sparse ? sk::lewis_weights(a_sparse, p) : sk::lewis_weights(a, p);
        s = r.weights;
        run = r.run;
      } else if (kind == "sensitivity") {
        sk::SensitivityOptions o;
        o.threads = global.threads;
        const auto r = keep_sparse ? sk::lp_sensitivities(a_sparse, p, o) : sk::lp_sensitivities(a, p, o);
        s = r.sensitivities;
        run = r.run;
        j["max_relative_gap"] = r.max_relative_gap;
      } else if (keep_sparse) {  // leverage or root-leverage of a sparse input
        const auto r = sampo::linalg::leverage_scores(a_sparse);
        s = kind == "leverage" ? Eigen::VectorXd(r.scores) : sk::root_leverage_scores(r.scores.cwiseMin(1.0), p);
        run = r.run;
      } else {
        const sk::ScoreKind k = sampo::cli::parse_choice(kCmd, "--kind", kind, sk::score_kind_from_string);
        if (k != sk::ScoreKind::leverage && k != sk::ScoreKind::root_leverage)
          sampo::throw_invalid_argument(cmd, "--kind", kind, "must be leverage, root-leverage, lewis or sensitivity");
        s = sk::sampling_scores(a, p, k);
      }
    }
    j["kind"] = kind;
    j["sum"] = s.sum();
    if (!out.empty()) write_matrix(out, s);
    if (!global.quiet) std::printf("%s scores (p = %g) of a %td x %td %smatrix: sum %.10g\n", kind.c_str(), p, n_rows, n_cols, keep_sparse ? "sparse " : "", s.sum());
  } else if (mode == "sample") {
    if ((rows > 0.0) == (eps > 0.0)) sampo::throw_invalid_argument(cmd, "--rows", sampo::format_value(rows), "give exactly one of --rows and --eps");
    const sk::ScoreKind k = sampo::cli::parse_choice(kCmd, "--scores", scores_name, sk::score_kind_from_string);
    if (k != sk::ScoreKind::leverage_sensitivity && !vm->at("leverage-share").defaulted())
      sampo::throw_invalid_argument(cmd, "--leverage-share", sampo::format_value(leverage_share), "applies only to --scores leverage-sensitivity");
    if (k == sk::ScoreKind::leverage_sensitivity && eps > 0.0 && !(p > 2.0))
      sampo::throw_invalid_argument(cmd, "--p", sampo::format_value(p), "must be > 2 for --scores leverage-sensitivity with --eps (the combined bound is for p > 2)");
    Eigen::VectorXd s;
    double total_sensitivity = 0.0;
    Eigen::Index rank = a.cols();
    if (k == sk::ScoreKind::leverage_sensitivity) {
      // The sensitivities on --threads (the same bits for any count), and 𝔖 for --eps.
      sk::SensitivityOptions so;
      so.threads = global.threads;
      const auto sens = sk::lp_sensitivities(a, p, so);
      const auto lev = sampo::linalg::leverage_scores(a);
      s = sk::leverage_sensitivity_scores(sens.sensitivities, lev.scores, leverage_share);
      total_sensitivity = sens.total;
      j["leverage_share"] = leverage_share;
      rank = lev.rank;
      j["total_sensitivity"] = total_sensitivity;
    } else {
      s = sk::sampling_scores(a, p, k);
    }
    sk::SampleOptions o;
    o.p = p;
    o.seed = global.seed;
    if (rows > 0.0) {
      if (rows > static_cast<double>(a.rows()))
        sampo::throw_invalid_argument(cmd, "--rows", sampo::format_value(rows), "must be at most the number of rows of --in");
      o.expected_rows = rows;
    } else if (k == sk::ScoreKind::leverage_sensitivity) {
      o.alpha = sk::alpha_for_epsilon_leverage_sensitivity(eps, p, rank, total_sensitivity);
    } else {
      o.alpha = sk::alpha_for_epsilon(eps, 0.1, a.cols());
    }
    const auto r = sk::sample_rows(a, s, o);
    run = r.run;
    j["scores"] = scores_name;
    j["alpha"] = r.alpha;
    j["expected_rows"] = r.expected_rows;
    j["sampled_rows"] = r.indices.size();
    if (!out.empty()) write_matrix(out, r.rows);
    if (!indices.empty()) {
      std::vector<std::int64_t> idx(r.indices.begin(), r.indices.end());
      if (has_extension(indices, ".npy")) {
        sampo::io::write_npy_int(indices, idx);
      } else {
        Eigen::MatrixXd col(static_cast<Eigen::Index>(idx.size()), 1);
        for (std::size_t i = 0; i < idx.size(); ++i) col(static_cast<Eigen::Index>(i), 0) = static_cast<double>(idx[i]);
        sampo::io::write_csv(indices, col);
      }
    }
    if (!global.quiet) std::printf("sampled %zu rows (expected %.6g) of %td by %s scores, p = %g\n", r.indices.size(), r.expected_rows, a.rows(), scores_name.c_str(), p);
  } else if (mode == "regress") {
    if (b_path.empty()) sampo::throw_invalid_argument(cmd, "--b", "", "is required by the regress mode");
    const Eigen::MatrixXd bm = read_matrix("--b", b_path, header);
    if (bm.cols() != 1 || bm.rows() != a.rows())
      sampo::throw_invalid_argument(cmd, "--b", b_path, "must hold one value per row of --in");
    const auto r = sk::lp_regression(a, bm.col(0), p);
    run = r.run;
    j["objective"] = r.objective;
    j["lower_bound"] = r.lower_bound;
    j["relative_gap"] = r.relative_gap;
    j["x"] = sampo::io::vector_to_json(r.x);
    if (!out.empty()) write_matrix(out, r.x);
    if (!global.quiet) std::printf("min ||Ax - b||_%g = %.12g (certified lower bound %.12g)\n", p, r.objective, r.lower_bound);
  } else {
    if (sample_path.empty()) sampo::throw_invalid_argument(cmd, "--sample", "", "is required by the distortion mode");
    const Eigen::MatrixXd sa = read_matrix("--sample", sample_path, header);
    if (sa.cols() != a.cols())
      sampo::throw_invalid_argument(cmd, "--sample", sample_path, "must have the same number of columns as --in");
    sk::DistortionOptions o;
    o.seed = global.seed;
    const auto r = sk::distortion(a, sa, p, o);
    run = r.run;
    j["distortion"] = r.distortion;
    j["f_min"] = r.f_min;
    j["f_max"] = r.f_max;
    j["exact"] = r.exact;
    if (!global.quiet)
      std::printf("distortion %s %.6g (f in [%.6g, %.6g])\n", r.exact ? "=" : ">=", r.distortion, r.f_min, r.f_max);
  }
  j["run"] = run_json(run);
  if (!global.json.empty()) sampo::io::write_json(global.json, j);
  outputs.commit();
  return sampo::cli::finish(cmd, run);
}
