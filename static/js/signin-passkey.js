// Says so on the page when the browser or device did not give a passkey (the person cancelled, it
// timed out, or this device holds none for casereview), rather than only in the console. allauth's
// passkey script (mfa/js/webauthn.js) announces such failures as an "allauth.error" event.
(function () {
  'use strict'
  const MESSAGES = {
    NotAllowedError: 'No passkey was used: it was cancelled or took too long. Try again.',
    InvalidStateError: 'This passkey is already added to your account.',
    SecurityError: 'Passkeys work only at the address casereview is set up for.',
    NotSupportedError: 'This browser or device cannot use a passkey here.'
  }
  document.addEventListener('allauth.error', function (event) {
    const box = document.querySelector('[data-passkey-error]')
    if (!box) return
    event.preventDefault()
    const name = event.detail && event.detail.exception && event.detail.exception.name
    box.textContent = MESSAGES[name] || 'The passkey did not work. Try again.'
    box.hidden = false
    box.focus()
  })
})()
