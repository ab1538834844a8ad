//! The command line: `build`, `check`, `fix`, `sample`, `schema`, `diff` and `verify`. Thin: parses arguments, calls the
//! library, prints results. Exit codes: 0 success, 1 input or build error, 2 usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use disclosure_pdf::build::format_duration;
use disclosure_pdf::input::{self, Checked, artifacts};
use disclosure_pdf::layout::Orientation;
use disclosure_pdf::output::{write_atomically, write_release};
use disclosure_pdf::{BuildOptions, Diagnostic, Error, Severity};
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
    /// characters, trailing spaces) inside values; prints a diff and exits 1 if
    /// there is anything to fix, unless --write
    Fix(FixArgs),
    /// Write a synthetic but realistic document of N items to stdout (for benchmarks)
    Sample(SampleArgs),
    /// Print the JSON Schema of the YAML format (draft-07) to stdout, for editors
    /// (yaml-language-server); the same as schema/disclosure.schema.json
    Schema,
    /// Check the signature of a PDF signed by `build --sign`: exit 0 when it is
    /// intact, 1 when the file was changed after signing or does not verify
    Verify(VerifyArgs),
    /// Compare two versions of a document (files, or REV:PATH from git): what
    /// changed, item by item. Exits 0 when they say the same, 1 when they
    /// differ, 2 on error (like diff)
    Diff(DiffArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The old version: a YAML file, or REV:PATH (git show REV:PATH)
    old: String,
    /// The new version: a YAML file, or REV:PATH
    new: String,
    /// Print one JSON object: old/new version and date, changed document fields,
    /// changed, added, removed and moved items
    #[arg(long, conflicts_with = "stat")]
    json: bool,
    /// Print a line per changed field and item, then the counts (the default)
    #[arg(long)]
    stat: bool,
    /// Print a `revisions:` entry for NEW (version, date, and a line per
    /// change) to paste into its YAML
    #[arg(long, conflicts_with_all = ["json", "stat"])]
    revision: bool,
    /// Write the comparison PDF (新旧対照表) here
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Put the new version in the left column (改正後 first, as government
    /// documents do)
    #[arg(long)]
    new_left: bool,
    /// Keep unchanged lines inside a changed item (a long run of them is
    /// otherwise shown as （略）)
    #[arg(long)]
    full: bool,
    /// The two columns' labels, old first: `--labels 現行,改定案` (default
    /// 変更前,変更後)
    #[arg(long, value_name = "OLD,NEW", value_parser = parse_labels)]
    labels: Option<(String, String)>,
    /// Page orientation of the comparison PDF (A4)
    #[arg(long, value_enum, default_value_t = PageOrientation::Landscape)]
    orientation: PageOrientation,
    #[command(flatten)]
    fonts: FontArgs,
}

#[derive(Args)]
struct VerifyArgs {
    /// The signed PDF
    file: PathBuf,
    /// Print the result as one JSON object
    #[arg(long)]
    json: bool,
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
    #[command(flatten)]
    signing: SignArgs,
}

/// PAdES signing of the built PDF. The passphrase of an encrypted key never goes
/// on the command line: name the variable or the file that holds it.
#[derive(Args)]
struct SignArgs {
    /// Sign the PDF with this private key (PKCS#8, SEC1 or PKCS#1; PEM or DER;
    /// ECDSA P-256 or RSA of 2048 bits or more)
    #[arg(long, value_name = "KEY", requires = "cert", conflicts_with = "p12")]
    sign: Option<PathBuf>,
    /// The signer's certificate for --sign (PEM or DER; a PEM file may go on
    /// with the chain)
    #[arg(long, value_name = "CERT", requires = "sign")]
    cert: Option<PathBuf>,
    /// Intermediate certificates to embed for verifiers (PEM)
    #[arg(long, value_name = "CHAIN", requires = "sign")]
    chain: Option<PathBuf>,
    /// Sign with the key and certificates of a PKCS#12 (.p12/.pfx) file
    #[arg(long, value_name = "FILE")]
    p12: Option<PathBuf>,
    /// The name of the environment variable holding the key's or the PKCS#12
    /// file's passphrase
    #[arg(long, value_name = "VAR", conflicts_with = "passphrase_file")]
    passphrase_env: Option<String>,
    /// A file whose first line is the passphrase
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Add an RFC 3161 timestamp from this authority (PAdES B-T)
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
    /// The signature's reason (default: "<title>（第<version>版）の発行")
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

impl SignArgs {
    /// The signing options, with the key loaded and checked, or `None` when not
    /// signing.
    fn load(self) -> Result<Option<disclosure_pdf::sign::SignOptions>, Error> {
        use disclosure_pdf::sign::{KeySource, PassphraseSource, SignOptions, Signer};
        let source = match (self.sign, self.cert, self.p12) {
            (Some(key), Some(cert), None) => KeySource::Files {
                key,
                cert,
                chain: self.chain,
            },
            (None, None, Some(p12)) => KeySource::Pkcs12(p12),
            _ => {
                if self.tsa.is_some()
                    || self.reason.is_some()
                    || self.passphrase_env.is_some()
                    || self.passphrase_file.is_some()
                {
                    return Err(Error::Usage(
                        "--tsa, --reason and --passphrase-* sign: give --sign KEY --cert CERT or --p12 FILE too".into(),
                    ));
                }
                return Ok(None);
            }
        };
        let passphrase = match (self.passphrase_env, self.passphrase_file) {
            (Some(var), _) => Some(PassphraseSource::Env(var)),
            (None, Some(file)) => Some(PassphraseSource::File(file)),
            (None, None) => None,
        };
        let signer = Signer::load(&source, passphrase.as_ref())?;
        Ok(Some(SignOptions {
            signer: std::sync::Arc::new(signer),
            reason: self.reason,
            tsa: self.tsa,
        }))
    }
}

#[derive(Args)]
struct CheckArgs {
    /// The YAML document
    #[arg(default_value = DEFAULT_INPUT)]
    input: PathBuf,
    /// Release guard: also fail when the content differs from this earlier
    /// version (a file, REV:PATH, or a bare REV for this file at REV) but
    /// document.version did not change, or when the newest revision entry
    /// does not mention every changed item
    #[arg(long, value_name = "OLD")]
    against: Option<String>,
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
        Command::Schema => {
            print!("{}", disclosure_pdf::model::json_schema());
            Ok(())
        }
        Command::Diff(args) => return diff(args),
        Command::Verify(args) => verify(args),
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

fn input_options(fonts: FontArgs, draft: bool) -> input::Options {
    input::Options {
        font: fonts.font,
        bold_font: fonts.bold_font,
        draft,
    }
}

fn print_warnings(input: &Path, warnings: &[Diagnostic]) {
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
        orientation: orientation(args.orientation),
        draft: args.draft,
        pdfa: args.pdfa,
        source_date_epoch: source_date_epoch()?,
        // The key is loaded and checked before anything is built or written.
        sign: args.signing.load()?,
    };
    let check_opts = input_options(args.fonts, args.draft);
    if args.inputs.len() == 1 {
        // The process ends with this build: what it allocated is not freed.
        disclosure_pdf::background::exit_after_this();
    }
    let start = Instant::now();
    // Every input goes through the gate first, side by side; then the outputs are
    // known, and two inputs that would write one file are refused before anything
    // is written.
    let checked: Vec<Result<(Checked, PathBuf), Error>> = args
        .inputs
        .par_iter()
        .map(|path| {
            let c = input::read(path, &check_opts)?;
            let out = output_path(&c, args.output.as_deref(), args.draft);
            Ok((c, out))
        })
        .collect();
    let parsed = start.elapsed();
    refuse_shared_outputs(&checked)?;
    // Files build side by side; each build is parallel inside too, and rayon shares
    // the cores between them.
    let results: Vec<Result<Summary, Error>> = checked
        .into_par_iter()
        .map(|c| {
            let (input, output) = c?;
            let summary = build_one(&input, &output, &opts, args.timings.then_some(parsed));
            disclosure_pdf::background::drop_in_background(input);
            summary
        })
        .collect();
    let mut failed = 0;
    for result in &results {
        match result {
            Ok(summary) if args.json => {
                // Serialising a struct of strings and numbers cannot fail.
                println!("{}", serde_json::to_string(summary).unwrap_or_default());
            }
            Ok(s) => println!(
                "wrote {} ({} {}, {:.1} KB) in {:.1} ms",
                s.path,
                s.pages,
                if s.pages == 1 { "page" } else { "pages" },
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

/// Where a checked input is written: `output`, or `output/<id>-<version>.pdf`.
fn output_path(input: &Checked, output: Option<&Path>, draft: bool) -> PathBuf {
    let doc = &input.document.document;
    output.map(Path::to_path_buf).unwrap_or_else(|| {
        let draft = if draft { "-draft" } else { "" };
        // A draft may have no version yet: output/<id>-draft.pdf.
        let version = match doc.version.trim() {
            "" => String::new(),
            v => format!("-{v}"),
        };
        PathBuf::from("output").join(format!("{}{version}{draft}.pdf", doc.id))
    })
}

/// Refuses the whole batch when two inputs would write the same file (their PDFs
/// and checksums would overwrite each other), naming both and the path.
fn refuse_shared_outputs(checked: &[Result<(Checked, PathBuf), Error>]) -> Result<(), Error> {
    let mut seen: std::collections::HashMap<PathBuf, &Path> = std::collections::HashMap::new();
    let mut clashes = Vec::new();
    for (input, out) in checked.iter().flatten() {
        match seen.get(&same_file_key(out)) {
            Some(first) if *first == input.path.as_path() => clashes.push(format!(
                "error: {} is given twice; each input is built once",
                first.display()
            )),
            Some(first) => clashes.push(format!(
                "error: {} and {} would both be written to {}; give them different document.id or version, or build them one at a time with -o",
                first.display(),
                input.path.display(),
                out.display()
            )),
            None => {
                seen.insert(same_file_key(out), &input.path);
            }
        }
    }
    if clashes.is_empty() {
        return Ok(());
    }
    for c in &clashes {
        eprintln!("{c}");
    }
    eprintln!("nothing was written");
    Err(Error::Reported)
}

/// A key under which two spellings of one output path compare equal: the absolute
/// path, with the folder resolved through symbolic links where it exists.
fn same_file_key(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .unwrap_or_else(|_| dir.to_path_buf())
            .join(name),
        _ => absolute,
    }
}

/// Builds one checked input to `output` and writes its checksum beside it.
fn build_one(
    input: &Checked,
    output: &Path,
    opts: &BuildOptions,
    timings: Option<std::time::Duration>,
) -> Result<Summary, Error> {
    let start = Instant::now();
    let built = disclosure_pdf::build_pdf(input, opts)?;
    let path = &input.path;
    if let Some(checked) = timings {
        eprintln!("{}:", path.display());
        eprintln!("{:>14}  {}", "read & check", format_duration(checked));
        for (phase, d) in &built.timings {
            eprintln!("{phase:>14}  {}", format_duration(*d));
        }
    }
    print_warnings(path, &built.warnings);
    let sha256 = write_release(output, &built.bytes)?;
    let file = path.display().to_string();
    Ok(Summary {
        input: file.clone(),
        path: output.display().to_string(),
        bytes: built.bytes.len(),
        sha256,
        pages: built.pages,
        items: input.document.items().count(),
        version: input.document.document.version.clone(),
        warnings: built.warnings.iter().map(|w| w.render(&file)).collect(),
        milliseconds: start.elapsed().as_secs_f64() * 1000.0
            + timings.map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    })
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

/// Applies the safe artifact replacements inside the file's values: keys,
/// comments, key order and formatting stay as they are. Without `--write` it
/// prints the diff and fails (exit 1) when there is something to fix, so CI can
/// run it. Problems that need a person are listed after.
fn fix(args: FixArgs) -> Result<(), Error> {
    let text = input::read::read_text(&args.input)?;
    let fixed = artifacts::fix_text(&text);
    let name = args.input.display().to_string();
    let changed = fixed != text;
    if !changed {
        eprintln!("{name}: nothing to fix");
    } else if args.write {
        write_atomically(&args.input, fixed.as_bytes())?;
        let lines = text
            .lines()
            .zip(fixed.lines())
            .filter(|(a, b)| a != b)
            .count();
        let lines = if lines == 1 {
            "1 line".to_string()
        } else {
            format!("{lines} lines")
        };
        eprintln!("{name}: fixed {lines}");
    } else {
        print!("{}", artifacts::unified_diff(&name, &text, &fixed));
    }
    // What is left once the fix is applied, through the same gate as `check`.
    let left = match input::check_text(&args.input, &fixed, &input::Options::default()) {
        Ok(checked) => checked.warnings,
        Err(Error::Invalid { diagnostics, .. }) => diagnostics,
        Err(e) => return Err(e),
    };
    if !left.is_empty() {
        eprintln!("{name}: fix cannot change these; edit them by hand:");
        for d in &left {
            eprintln!("{}", d.render(&name));
        }
    }
    let errors = left.iter().any(|d| d.severity == Severity::Error);
    if (changed && !args.write) || errors {
        return Err(Error::Reported);
    }
    Ok(())
}

fn sample(args: SampleArgs) -> Result<(), Error> {
    use std::io::Write;
    let text = crate::sample::generate(args.items, args.seed);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            path: "standard output".into(),
            action: "write the sample",
            source,
        })
}

/// Reads and checks a document given as a file or `REV:PATH`; errors name it
/// as given. A version without `version:`/`date:` (a draft) is accepted.
fn read_source(spec: &str, fonts: &FontArgs) -> Result<Checked, Error> {
    use disclosure_pdf::input::revision::Source;
    let source = Source::parse(spec);
    let text = source.read()?;
    let opts = input::Options {
        font: fonts.font.clone(),
        bold_font: fonts.bold_font.clone(),
        draft: true,
    };
    // Checked at the working tree's path (pictures and fonts are relative to
    // it), reported under the name given.
    input::check_text(&source.base(), &text, &opts).map_err(|e| match e {
        Error::Invalid { diagnostics, .. } => Error::Invalid {
            path: source.name(),
            diagnostics,
        },
        other => other,
    })
}

/// `diff`: exit 0 when the versions say the same, 1 when they differ, 2 when
/// either cannot be read.
fn diff(args: DiffArgs) -> ExitCode {
    let read = |spec: &str| read_source(spec, &args.fonts);
    let (old, new) = match (read(&args.old), read(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (a, b) = (&old.document, &new.document);
    let c = disclosure_pdf::compare::compare(a, b);
    if let Some(out) = &args.output {
        if c.is_empty() {
            eprintln!(
                "the two versions say the same: no comparison written to {}",
                out.display()
            );
        } else if let Err(e) = write_comparison(&c, &old, &new, out, &args) {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    if args.json {
        println!("{}", disclosure_pdf::compare::to_json(&c, a, b));
    } else if args.revision {
        // The key too when the file has no history yet.
        if b.revisions.is_empty() {
            println!("revisions:");
        }
        print!("{}", disclosure_pdf::compare::revision_entry(&c, a, b));
    } else {
        print!("{}", disclosure_pdf::compare::to_stat(&c, a, b));
    }
    if c.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `OLD,NEW` as the comparison's two column labels.
fn parse_labels(s: &str) -> Result<(String, String), String> {
    match s.split_once([',', '、']) {
        Some((a, b))
            if !a.trim().is_empty() && !b.trim().is_empty() && !b.contains([',', '、']) =>
        {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => Err("give two labels, old first, separated by a comma: 現行,改定案".into()),
    }
}

/// Lays out and writes the 新旧対照表 of `old` and `new` to `out` (with its
/// `.sha256`, atomically, like `build`).
fn write_comparison(
    c: &disclosure_pdf::compare::Comparison,
    old: &Checked,
    new: &Checked,
    out: &Path,
    args: &DiffArgs,
) -> Result<(), Error> {
    let orientation = match args.orientation {
        PageOrientation::Landscape => Orientation::Landscape,
        PageOrientation::Portrait => Orientation::Portrait,
    };
    let options = disclosure_pdf::compare::document::Options {
        new_left: args.new_left,
        orientation,
        full: args.full,
        labels: args.labels.clone(),
    };
    let document = disclosure_pdf::compare::document::comparison_document(
        c,
        &old.document,
        &new.document,
        options,
    );
    let input = Checked {
        path: new.path.clone(),
        document,
        fonts: read_source(&args.new, &args.fonts)?.fonts,
        warnings: Vec::new(),
    };
    let build = BuildOptions {
        orientation,
        source_date_epoch: source_date_epoch()?,
        ..BuildOptions::default()
    };
    let built = disclosure_pdf::build_pdf(&input, &build)?;
    write_release(out, &built.bytes)?;
    eprintln!("wrote {} ({} pages)", out.display(), built.pages);
    Ok(())
}

fn check_cmd(args: CheckArgs) -> Result<(), Error> {
    let old = match &args.against {
        // A bare revision means this file at that revision (a missing
        // `old.yaml` is a missing file, not a revision).
        Some(spec)
            if !spec.contains(':')
                && !Path::new(spec).exists()
                && !spec.ends_with(".yaml")
                && !spec.ends_with(".yml") =>
        {
            Some(read_source(
                &format!("{spec}:./{}", args.input.display()),
                &args.fonts,
            )?)
        }
        Some(spec) => Some(read_source(spec, &args.fonts)?),
        None => None,
    };
    let checked = input::read(&args.input, &input_options(args.fonts, false))?;
    let doc = &checked.document;
    print_warnings(&args.input, &checked.warnings);
    if let Some(old) = &old {
        let c = disclosure_pdf::compare::compare(&old.document, doc);
        let problems = disclosure_pdf::compare::release_problems(&c, &old.document, doc);
        if !problems.is_empty() {
            return Err(Error::Invalid {
                path: args.input.clone(),
                diagnostics: problems
                    .into_iter()
                    .map(|p| disclosure_pdf::Diagnostic::error(None, p))
                    .collect(),
            });
        }
    }
    let count = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    println!(
        "{}: ok ({}, {})",
        args.input.display(),
        count(doc.categories.len(), "category", "categories"),
        count(doc.items().count(), "item", "items")
    );
    Ok(())
}

/// What `verify --json` prints.
#[derive(serde::Serialize)]
struct VerifyJson<'a> {
    file: String,
    valid: bool,
    /// Why it is not valid.
    error: Option<&'a str>,
    signer: Option<&'a str>,
    issuer: Option<&'a str>,
    algorithm: Option<&'a str>,
    time: Option<&'a str>,
    reason: Option<&'a str>,
    timestamp: Option<&'a str>,
    timestamp_authority: Option<&'a str>,
    appended_bytes: usize,
}

fn verify(args: VerifyArgs) -> Result<(), Error> {
    let bytes = std::fs::read(&args.file).map_err(|source| Error::Io {
        path: args.file.clone(),
        action: "read the PDF",
        source,
    })?;
    let file = args.file.display().to_string();
    let result = disclosure_pdf::sign::verify(&bytes);
    let report = result.as_ref().ok();
    let error = match &result {
        Err(e) => Some(e.as_str()),
        Ok(r) if r.appended > 0 => Some("the file was changed after it was signed"),
        Ok(_) => None,
    };
    if args.json {
        let s = report.map(|r| &r.signature);
        let json = VerifyJson {
            file: file.clone(),
            valid: error.is_none(),
            error,
            signer: s.map(|s| s.signer.as_str()),
            issuer: s.map(|s| s.issuer.as_str()),
            algorithm: s.map(|s| s.algorithm.as_str()),
            time: report.map(|r| r.time.as_str()),
            reason: report.and_then(|r| r.reason.as_deref()),
            timestamp: s.and_then(|s| s.timestamp.as_deref()),
            timestamp_authority: s.and_then(|s| s.timestamp_authority.as_deref()),
            appended_bytes: report.map_or(0, |r| r.appended),
        };
        // Serialising a struct of strings and numbers cannot fail.
        println!("{}", serde_json::to_string(&json).unwrap_or_default());
    } else if let Some(r) = report {
        let s = &r.signature;
        println!("{file}:");
        println!("  signer     {} ({})", s.signer, s.algorithm);
        println!("  issuer     {}", s.issuer);
        println!("  signed at  {} (/M, as the signer's clock says)", r.time);
        if let Some(reason) = &r.reason {
            println!("  reason     {reason}");
        }
        if let (Some(t), Some(a)) = (&s.timestamp, &s.timestamp_authority) {
            println!("  timestamp  {t} by {a}");
        }
        if r.appended == 0 {
            println!("  covers     the whole file: nothing was changed after signing");
        } else {
            println!(
                "  covers     all but the last {} bytes: the file was changed after signing",
                r.appended
            );
        }
        println!(
            "  note       whether to trust the certificate (and the timestamp authority) is for you to judge: this checks the signature, not the signer"
        );
    }
    match error {
        None => {
            if !args.json {
                println!("signature valid and intact");
            }
            Ok(())
        }
        Some(e) => {
            if !args.json {
                eprintln!("{file}: error: {e}");
            }
            Err(Error::Reported)
        }
    }
}
