//! `agent fetch URL [--raw]` and `agent browse URL [--screenshot F | --pdf F] [--step S]…`: a
//! web page as Markdown, as it came, or rendered in headless Chromium, all under the address
//! policy of `fetch.allow_hosts`.

use std::io::Write as _;

use agent_core::web::{Browser, CacheLocation, Step, WebSettings};
use anyhow::{Context as _, Result};

use crate::app::App;
use crate::cli::{BrowseArgs, FetchArgs};
use crate::exit::Exit;
use crate::models::runtime;
use crate::output::{note, print};

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
    runtime.block_on(async {
        let mut browser = Browser::launch(&settings.browser, client).await?;
        let result = drive(&mut browser, &args, &steps).await;
        for failed in browser.failed_requests() {
            note(&format!("a request of the page failed: {failed}"));
        }
        browser.close().await;
        result
    })?;
    Ok(Exit::Ok)
}

/// Opens the page, does the steps, and saves or prints what was asked for.
async fn drive(browser: &mut Browser, args: &BrowseArgs, steps: &[Step]) -> Result<()> {
    browser.open(&args.url).await?;
    for step in steps {
        step.run(browser).await?;
    }
    if let Some(path) = &args.screenshot {
        let png = browser.screenshot().await?;
        std::fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))?;
        note(&format!("saved {}", path.display()));
    } else if let Some(path) = &args.pdf {
        let pdf = browser.pdf().await?;
        std::fs::write(path, pdf).with_context(|| format!("cannot write {}", path.display()))?;
        note(&format!("saved {}", path.display()));
    } else {
        let page = browser.readable().await?;
        let mut text = String::new();
        if let Some(title) = &page.title {
            text.push_str(&format!("# {title}\n\n"));
        }
        text.push_str(page.markdown.trim_end());
        text.push('\n');
        print(&text)?;
    }
    Ok(())
}
