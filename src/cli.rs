//! The command line: `build` and `check`. Thin: parses arguments, calls the
//! library, prints results. Exit codes: 0 success, 1 input or build error, 2 usage.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use disclosure_pdf::build::{fonts_for, format_duration};
use disclosure_pdf::layout::Orientation;
use disclosure_pdf::{BuildOptions, Error, Severity, check, load};

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
}

#[derive(Args)]
struct BuildArgs {
    /// The YAML document
    #[arg(default_value = DEFAULT_INPUT)]
    input: PathBuf,
    /// Where to write the PDF
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    fonts: FontArgs,
    /// Page orientation (A4)
    #[arg(long, value_enum, default_value_t = PageOrientation::Landscape)]
    orientation: PageOrientation,
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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
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
    }
}

fn print_warnings(input: &Path, warnings: &[disclosure_pdf::Diagnostic]) {
    let file = input.display().to_string();
    for w in warnings.iter().filter(|d| d.severity == Severity::Warning) {
        eprintln!("{}", w.render(&file));
    }
}

fn build(args: BuildArgs) -> Result<(), Error> {
    let start = Instant::now();
    let orientation = match args.orientation {
        PageOrientation::Landscape => Orientation::Landscape,
        PageOrientation::Portrait => Orientation::Portrait,
    };
    let input = load(&args.input)?;
    let doc = &input.document;
    let parsed = start.elapsed();
    let built = disclosure_pdf::build_pdf(&input, &options(args.fonts, orientation))?;
    if args.timings {
        eprintln!("{:>14}  {}", "parse", format_duration(parsed));
        for (phase, d) in &built.timings {
            eprintln!("{phase:>14}  {}", format_duration(*d));
        }
    }
    print_warnings(&args.input, &built.warnings);
    let output = args.output.unwrap_or_else(|| {
        PathBuf::from("output").join(format!("{}-{}.pdf", doc.document.id, doc.document.version))
    });
    write_atomically(&output, &built.bytes)?;
    println!(
        "wrote {} ({} pages, {:.1} KB) in {}",
        output.display(),
        built.pages,
        built.bytes.len() as f64 / 1024.0,
        format_duration(start.elapsed())
    );
    Ok(())
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

/// Writes `bytes` to `path` via a temporary file in the same directory, so that a
/// failed build never leaves a half-written PDF or clobbers a good one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |action: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Io {
            path: p,
            action,
            source,
        }
    };
    if path.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            action: "write the PDF",
            source: std::io::Error::other("it is a directory; give a file name such as out.pdf"),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io("create the output directory", &dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io("write the PDF", path))
}
