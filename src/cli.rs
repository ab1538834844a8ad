//! The command line: `build`, `check` and `sample`. Thin: parses arguments, calls the
//! library, prints results. Exit codes: 0 success, 1 input or build error, 2 usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use disclosure_pdf::build::{fonts_for, format_duration};
use disclosure_pdf::layout::Orientation;
use disclosure_pdf::output::write_atomically;
use disclosure_pdf::{BuildOptions, Error, Severity, artifacts, check, load};
use rayon::prelude::*;

const DEFAULT_INPUT: &str = "data/kamiless.yaml";

#[derive(Parser)]
#[command(
    name = "disclosure-pdf",
    version,
    about = "Typesets an information-security disclosure (情報開示) YAML file as a Japanese PDF"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the PDF (default output: output/<id>-<version>.pdf)
    Build(BuildArgs),
    /// Read and validate the input; write nothing
    Check(CheckArgs),
    /// Replace copy-paste artifacts (Kangxi radicals, vertical forms, invisible
    /// characters, trailing spaces); prints a diff unless --write
    Fix(FixArgs),
    /// Write a synthetic but realistic document of N items to stdout (for benchmarks)
    Sample(SampleArgs),
}

#[derive(Args)]
struct SampleArgs {
    /// How many items
    #[arg(long, default_value_t = 38)]
    items: usize,
    /// The same seed always gives the same document
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Args)]
struct FixArgs {
    /// The YAML document
    #[arg(default_value = DEFAULT_INPUT)]
    input: PathBuf,
    /// Rewrite the file in place (atomically) instead of printing a diff
    #[arg(long)]
    write: bool,
}

#[derive(Args)]
struct BuildArgs {
    /// The YAML documents; several are built in parallel, each to its default output
    #[arg(default_value = DEFAULT_INPUT, num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// Where to write the PDF (one input only)
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    fonts: FontArgs,
    /// Page orientation (A4)
    #[arg(long, value_enum, default_value_t = PageOrientation::Landscape)]
    orientation: PageOrientation,
    /// Stamp a diagonal draft watermark on every page; the default file name gets `-draft`
    #[arg(long)]
    draft: bool,
    /// Write PDF/A-2b (embedded sRGB output intent and PDF/A identification)
    #[arg(long)]
    pdfa: bool,
    /// Print a JSON summary of each build to stdout (one object per line)
    #[arg(long)]
    json: bool,
    /// Print the time spent in each phase to stderr
    #[arg(long)]
    timings: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// The YAML document
    #[arg(default_value = DEFAULT_INPUT)]
    input: PathBuf,
    #[command(flatten)]
    fonts: FontArgs,
}

#[derive(Args)]
struct FontArgs {
    /// TrueType/OpenType font for regular text (default: bundled BIZ UDPGothic)
    #[arg(long, value_name = "TTF")]
    font: Option<PathBuf>,
    /// Font for bold text (sub-headings, labels)
    #[arg(long, value_name = "TTF")]
    bold_font: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum PageOrientation {
    Landscape,
    Portrait,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check_cmd(args),
        Command::Fix(args) => fix(args),
        Command::Sample(args) => sample(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Reported) => ExitCode::from(1),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn options(fonts: FontArgs, orientation: Orientation) -> BuildOptions {
    BuildOptions {
        orientation,
        font: fonts.font,
        bold_font: fonts.bold_font,
        ..BuildOptions::default()
    }
}

fn print_warnings(input: &Path, warnings: &[disclosure_pdf::Diagnostic]) {
    let file = input.display().to_string();
    for w in warnings.iter().filter(|d| d.severity == Severity::Warning) {
        eprintln!("{}", w.render(&file));
    }
}

/// What one build produced, as `--json` prints it.
#[derive(serde::Serialize)]
struct Summary {
    input: String,
    path: String,
    bytes: usize,
    sha256: String,
    pages: usize,
    items: usize,
    version: String,
    warnings: Vec<String>,
    milliseconds: f64,
}

fn build(args: BuildArgs) -> Result<(), Error> {
    if args.output.is_some() && args.inputs.len() > 1 {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        cmd.error(
            clap::error::ErrorKind::ArgumentConflict,
            "--output takes one input; with several, each goes to its default output",
        )
        .exit();
    }
    let opts = BuildOptions {
        draft: args.draft,
        pdfa: args.pdfa,
        source_date_epoch: source_date_epoch()?,
        ..options(args.fonts, orientation(args.orientation))
    };
    let job = |input: &PathBuf| build_one(input, args.output.as_deref(), &opts, args.timings);
    // Files build side by side; each build is parallel inside too, and rayon shares
    // the cores between them.
    let results: Vec<Result<Summary, Error>> = args.inputs.par_iter().map(job).collect();
    let mut failed = 0;
    for result in &results {
        match result {
            Ok(summary) if args.json => {
                // Serialising a struct of strings and numbers cannot fail.
                println!("{}", serde_json::to_string(summary).unwrap_or_default());
            }
            Ok(s) => println!(
                "wrote {} ({} pages, {:.1} KB) in {:.1} ms",
                s.path,
                s.pages,
                s.bytes as f64 / 1024.0,
                s.milliseconds
            ),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    if failed > 0 {
        if results.len() > 1 {
            eprintln!("{failed} of {} inputs failed", results.len());
        }
        return Err(Error::Reported);
    }
    Ok(())
}

/// Builds one input to `output` (or its default path) and writes the manifest.
fn build_one(
    path: &Path,
    output: Option<&Path>,
    opts: &BuildOptions,
    timings: bool,
) -> Result<Summary, Error> {
    let start = Instant::now();
    let input = load(path)?;
    let parsed = start.elapsed();
    let built = disclosure_pdf::build_pdf(&input, opts)?;
    if timings {
        eprintln!("{}:", path.display());
        eprintln!("{:>14}  {}", "parse", format_duration(parsed));
        for (phase, d) in &built.timings {
            eprintln!("{phase:>14}  {}", format_duration(*d));
        }
    }
    print_warnings(path, &built.warnings);
    let doc = &input.document.document;
    let output = output.map(Path::to_path_buf).unwrap_or_else(|| {
        let draft = if opts.draft { "-draft" } else { "" };
        PathBuf::from("output").join(format!("{}-{}{draft}.pdf", doc.id, doc.version))
    });
    let sha256 = hex_sha256(&built.bytes);
    write_atomically(&output, &built.bytes)?;
    // sha256sum format, with the bare file name so `sha256sum -c` works beside it.
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut manifest = output.clone().into_os_string();
    manifest.push(".sha256");
    write_atomically(
        Path::new(&manifest),
        format!("{sha256}  {name}\n").as_bytes(),
    )?;
    let file = path.display().to_string();
    Ok(Summary {
        input: file.clone(),
        path: output.display().to_string(),
        bytes: built.bytes.len(),
        sha256,
        pages: built.pages,
        items: input.document.items().count(),
        version: doc.version.clone(),
        warnings: built.warnings.iter().map(|w| w.render(&file)).collect(),
        milliseconds: start.elapsed().as_secs_f64() * 1000.0,
    })
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `SOURCE_DATE_EPOCH` from the environment, if set (reproducible-builds.org).
fn source_date_epoch() -> Result<Option<i64>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(None),
        Ok(v) => v.trim().parse().map(Some).map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH={v:?} is not a whole number of seconds since 1970-01-01"
            ))
        }),
    }
}

fn orientation(o: PageOrientation) -> Orientation {
    match o {
        PageOrientation::Landscape => Orientation::Landscape,
        PageOrientation::Portrait => Orientation::Portrait,
    }
}

/// Applies the safe artifact replacements to the file's text: comments, key order
/// and formatting stay as they are, only the offending characters change.
fn fix(args: FixArgs) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: args.input.clone(),
        action: "read the input",
        source,
    };
    let text = std::fs::read_to_string(&args.input).map_err(io)?;
    let fixed = artifacts::fix_text(&text);
    let name = args.input.display().to_string();
    if fixed == text {
        eprintln!("{name}: nothing to fix");
    } else if args.write {
        write_atomically(&args.input, fixed.as_bytes())?;
        let lines = text
            .lines()
            .zip(fixed.lines())
            .filter(|(a, b)| a != b)
            .count();
        eprintln!("{name}: fixed {lines} line(s)");
    } else {
        print!("{}", artifacts::unified_diff(&name, &text, &fixed));
    }
    Ok(())
}

fn sample(args: SampleArgs) -> Result<(), Error> {
    use std::io::Write;
    let text = disclosure_pdf::sample::generate(args.items, args.seed);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            path: "standard output".into(),
            action: "write the sample",
            source,
        })
}

fn check_cmd(args: CheckArgs) -> Result<(), Error> {
    let input = load(&args.input)?;
    let doc = &input.document;
    let fonts = fonts_for(
        doc,
        &args.input,
        &options(args.fonts, Orientation::Landscape),
    )?;
    let diagnostics = check::check(doc, &fonts, &input.positions);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Error::Invalid {
            path: args.input,
            diagnostics,
        });
    }
    print_warnings(&args.input, &diagnostics);
    let items = doc.items().count();
    println!(
        "{}: ok ({} categories, {} items)",
        args.input.display(),
        doc.categories.len(),
        items
    );
    Ok(())
}
