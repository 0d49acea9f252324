/**
 * What a person does in the browser, for tests that have none: open the emulator's consent page
 * and press Allow. Returns the response of the form post (a redirect to the app's redirect_uri,
 * or the page showing the code for the paste-a-code flow).
 */
export async function approveConsent(authorizeUrl: string, decision: 'allow' | 'deny' = 'allow'): Promise<Response> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`Consent page answered ${page.status}: ${html.slice(0, 300)}`);
  const form = /<form[^>]*action="([^"]+)"/.exec(html);
  const request = /name="request" value="([^"]+)"/.exec(html);
  if (!form?.[1] || !request?.[1]) throw new Error(`No consent form in: ${html.slice(0, 300)}`);
  return fetch(new URL(form[1], authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: request[1], decision }).toString(),
  });
}
