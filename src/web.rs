//! `agent fetch URL [--raw|--json]` and `agent browse URL [--screenshot F | --pdf F] [--step S]…
//! [--json]`: a web page as Markdown, as it came, or rendered in headless Chromium, all under the
//! address policy of `fetch.allow_hosts`.

use std::io::Write as _;

use agent_core::web::{Browser, CacheLocation, Step, WebSettings};
use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::app::App;
use crate::cli::{BrowseArgs, FetchArgs};
use crate::exit::Exit;
use crate::models::runtime;
use crate::output::{note, print, print_json};

/// The settings of this run: the cache in the store's database, Chromium from configuration or
/// PATH, browser profiles in the cache directory.
fn settings(app: &App) -> Result<WebSettings> {
    let resolved = app.config()?;
    Ok(WebSettings::from_config(
        &resolved.config,
        Some(CacheLocation {
            database: app.paths.database_file(),
            options: App::store_options(&resolved),
        }),
        app.paths.cache_dir.join("browser"),
        app.env.get("PATH").map(std::ffi::OsStr::new),
    ))
}

pub fn fetch(app: &App, args: FetchArgs) -> Result<Exit> {
    let settings = settings(app)?;
    let fetcher = settings.fetcher()?;
    let runtime = runtime()?;
    if args.raw {
        let page = runtime.block_on(fetcher.fetch(&args.url))?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&page.body)?;
        stdout.flush()?;
        return Ok(Exit::Ok);
    }
    let reading = runtime.block_on(agent_core::web::read(
        &fetcher,
        Some(&settings.browser),
        &args.url,
    ))?;
    if args.json {
        print_json(&serde_json::json!({
            "url": args.url.trim(),
            "final_url": reading.final_url,
            "title": reading.title,
            "markdown": reading.text,
            "from_cache": reading.from_cache,
            "rendered": reading.rendered,
            "note": reading.note,
        }))?;
        return Ok(Exit::Ok);
    }
    if reading.final_url != args.url.trim() {
        note(&format!("from {}", reading.final_url));
    }
    if reading.rendered {
        note("rendered in Chromium (the page shows no text without JavaScript)");
    }
    if let Some(extra) = &reading.note {
        note(extra);
    }
    let mut text = String::new();
    if let Some(title) = &reading.title {
        text.push_str(&format!("# {title}\n\n"));
    }
    text.push_str(reading.text.trim_end());
    text.push('\n');
    print(&text)?;
    Ok(Exit::Ok)
}

pub fn browse(app: &App, args: BrowseArgs) -> Result<Exit> {
    let steps = args
        .steps
        .iter()
        .map(|step| Step::parse(step))
        .collect::<Result<Vec<_>, _>>()?;
    let settings = settings(app)?;
    let client = settings.client()?;
    let runtime = runtime()?;
    let (browsed, failed_requests) = runtime.block_on(async {
        let mut browser = Browser::launch(&settings.browser, client).await?;
        let result = drive(&mut browser, &args, &steps).await;
        let failed = browser.failed_requests();
        browser.close().await;
        result.map(|browsed| (browsed, failed))
    })?;
    if args.json {
        print_json(&BrowseReport {
            url: args.url.trim(),
            browsed,
            failed_requests,
        })?;
        return Ok(Exit::Ok);
    }
    for failed in &failed_requests {
        note(&format!("a request of the page failed: {failed}"));
    }
    match browsed {
        Browsed::Saved { path, .. } => note(&format!("saved {path}")),
        Browsed::Read { title, markdown } => {
            let mut text = String::new();
            if let Some(title) = &title {
                text.push_str(&format!("# {title}\n\n"));
            }
            text.push_str(markdown.trim_end());
            text.push('\n');
            print(&text)?;
        }
    }
    Ok(Exit::Ok)
}

/// What `agent browse --json` prints.
#[derive(Serialize)]
struct BrowseReport<'a> {
    url: &'a str,
    #[serde(flatten)]
    browsed: Browsed,
    failed_requests: Vec<String>,
}

/// What one browse produced: a file saved, or the page read as Markdown.
#[derive(Serialize)]
#[serde(untagged)]
enum Browsed {
    Saved {
        /// `screenshot` or `pdf`.
        kind: &'static str,
        path: String,
        bytes: usize,
    },
    Read {
        title: Option<String>,
        markdown: String,
    },
}

/// Opens the page, does the steps, and saves what was asked for or reads the page.
async fn drive(browser: &mut Browser, args: &BrowseArgs, steps: &[Step]) -> Result<Browsed> {
    browser.open(&args.url).await?;
    for step in steps {
        step.run(browser).await?;
    }
    let (kind, path, bytes) = if let Some(path) = &args.screenshot {
        ("screenshot", path, browser.screenshot().await?)
    } else if let Some(path) = &args.pdf {
        ("pdf", path, browser.pdf().await?)
    } else {
        let page = browser.readable().await?;
        return Ok(Browsed::Read {
            title: page.title,
            markdown: page.markdown,
        });
    };
    std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Browsed::Saved {
        kind,
        path: path.display().to_string(),
        bytes: bytes.len(),
    })
}
