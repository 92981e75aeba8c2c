package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/protocol"
)

// firstRunMode is what the first-run screen is doing.
type firstRunMode int

const (
	modeCreate firstRunMode = iota
	modeSignIn
	modeRecover
)

var modeNames = []string{"Create account", "Sign in", "Recover"}

// accountTimeout bounds a register, sign-in or recovery (key derivation and
// a few requests).
const accountTimeout = 2 * time.Minute

// firstRunModel is the state of the first-run form, without widgets.
type firstRunModel struct {
	mode      firstRunMode
	serverURL string
	probed    *core.ServerInfo // result of the last successful probe
	probedFor string           // the normalized URL it was for
	trusted   bool             // the user confirmed the fingerprint
	username  string
	password  string
	confirm   string
	recovery  string
}

// normalizeServerURL adds https:// when no scheme is typed and drops a
// trailing slash.
func normalizeServerURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	return strings.TrimRight(s, "/")
}

// probeCurrent reports whether the last probe is for the URL now typed.
func (m *firstRunModel) probeCurrent() bool {
	return m.probed != nil && m.probedFor == normalizeServerURL(m.serverURL)
}

// pin is the fingerprint to pin: empty for a publicly trusted server.
func (m *firstRunModel) pin() string {
	if m.probed == nil || m.probed.PublicTrusted {
		return ""
	}
	return m.probed.Fingerprint
}

// needsNewPassword reports whether the form sets a password.
func (m *firstRunModel) needsNewPassword() bool { return m.mode != modeSignIn }

// problem is the first thing stopping the form from being sent, in words,
// or "" when it is ready.
func (m *firstRunModel) problem() string {
	switch {
	case normalizeServerURL(m.serverURL) == "":
		return "Enter your server’s address."
	case !m.probeCurrent():
		return "Check the server first."
	case !m.probed.PublicTrusted && !m.trusted:
		return "Compare the fingerprint and confirm that it matches."
	case strings.TrimSpace(m.username) == "":
		return "Enter your user name."
	case m.mode == modeRecover && strings.TrimSpace(m.recovery) == "":
		return "Enter your recovery key."
	case m.password == "":
		return "Enter a password."
	}
	if m.needsNewPassword() {
		if s := passwordStrength(m.password, m.username); !s.OK {
			return "Choose a stronger password."
		}
		if m.confirm != m.password {
			return "The two passwords don’t match."
		}
	}
	return ""
}

// firstRunView is the create / sign in / recover screen.
type firstRunView struct {
	u     *UI
	model firstRunModel

	modes        *widget.RadioGroup
	server       *entry
	checkBt      *widget.Button
	probeSpin    *widget.Activity
	probeResult  *fyne.Container
	username     *entry
	password     *entry
	confirm      *entry
	recovery     *entry
	meter        *strengthMeter
	confirmRow   *fyne.Container
	recoveryRow  *fyne.Container
	passwordHint *widget.Label
	hint         *widget.Label
	errText      *widget.Label
	submit       *widget.Button
	spinner      *widget.Activity
	back         *widget.Button
	busy         bool
	resultFor    string // the normalized URL probeResult describes
}

func (u *UI) showFirstRun(mode firstRunMode) {
	v := &firstRunView{u: u}
	v.model.mode = mode
	sc := u.sc

	v.server = newEntry(sc)
	v.server.SetPlaceHolder("https://notes.example.org")
	v.server.OnChanged = func(s string) { v.model.serverURL = s; v.update() }
	v.server.OnSubmitted = func(string) { v.probe() }
	v.checkBt = widget.NewButton("Check", v.probe)
	v.probeSpin = widget.NewActivity()
	v.probeSpin.Hide()
	v.probeResult = container.NewVBox()

	v.username = newEntry(sc)
	v.username.SetPlaceHolder("User name")
	v.username.OnChanged = func(s string) { v.model.username = s; v.update() }
	v.password = newPasswordEntry(sc)
	v.password.SetPlaceHolder("Password")
	v.password.OnChanged = func(s string) { v.model.password = s; v.update() }
	v.confirm = newPasswordEntry(sc)
	v.confirm.SetPlaceHolder("Repeat the password")
	v.confirm.OnChanged = func(s string) { v.model.confirm = s; v.update() }
	v.recovery = newEntry(sc)
	v.recovery.SetPlaceHolder("XXXXX-XXXXX-XXXXX-…")
	v.recovery.OnChanged = func(s string) { v.model.recovery = s; v.update() }
	for _, e := range []*entry{v.username, v.password, v.confirm, v.recovery} {
		e.OnSubmitted = func(string) { v.send() }
	}
	v.meter = newStrengthMeter()
	v.passwordHint = caption("")
	v.passwordHint.Wrapping = fyne.TextWrapWord
	v.hint = caption("")
	v.hint.Alignment = fyne.TextAlignCenter
	v.errText = errorLabel()
	v.submit = widget.NewButton("", v.send)
	v.submit.Importance = widget.HighImportance
	v.spinner = widget.NewActivity()
	v.spinner.Hide()

	v.modes = widget.NewRadioGroup(modeNames, nil)
	v.modes.Horizontal = true
	v.modes.Required = true
	v.modes.SetSelected(modeNames[mode])
	v.modes.OnChanged = func(s string) {
		for i, n := range modeNames {
			if n == s {
				v.model.mode = firstRunMode(i)
			}
		}
		v.update()
	}

	v.confirmRow = container.NewVBox(v.meter.content, v.confirm)
	v.recoveryRow = container.NewVBox(subheading("Recovery key"), v.recovery)

	title := heading("Welcome to Cipherleaf")
	intro := paragraph("End-to-end encrypted notes that sync through your own server. Your password never leaves this device.")
	var modes fyne.CanvasObject = container.NewCenter(v.modes)
	if u.api.HasAccount() {
		// "Forgot your password?" on the unlock screen: a screen of its
		// own, not the welcome with a way to create another account.
		title = heading("Reset your password")
		intro = paragraph("Enter the recovery key you saved when you created your account, then choose a new password. Your notes stay encrypted; your other devices will ask for the new password.")
		modes = layout.NewSpacer()
	}
	top := []fyne.CanvasObject{
		container.NewHBox(widget.NewIcon(leafIcon()), title),
		intro,
		modes,
		widget.NewSeparator(),
		subheading("Server"),
		container.NewBorder(nil, nil, nil, container.NewStack(v.checkBt, container.NewCenter(v.probeSpin)), v.server),
		v.probeResult,
		widget.NewSeparator(),
		subheading("Account"),
		v.username,
		v.recoveryRow,
		v.password,
		v.confirmRow,
		v.passwordHint,
		v.errText,
		container.NewStack(v.submit, container.NewCenter(v.spinner)),
		v.hint,
	}
	if u.api.HasAccount() {
		// Reached from the unlock screen ("forgot your password").
		v.back = widget.NewButtonWithIcon("Back to unlock", theme.NavigateBackIcon(), u.showUnlock)
		v.back.Importance = widget.LowImportance
		top = append([]fyne.CanvasObject{container.NewHBox(v.back)}, top...)
		acct := u.api.Account()
		v.server.SetText(acct.ServerURL)
		v.username.SetText(acct.Username)
		if acct.Fingerprint != "" {
			u.opts.Pin = acct.Fingerprint
		}
	} else if u.opts.ServerURL != "" {
		v.server.SetText(u.opts.ServerURL)
	}
	u.setContent(card(520, container.NewVBox(top...)))
	u.setTitle(windowTitle(titleWelcome))
	v.update()
	if v.model.serverURL != "" {
		v.probe()
		u.win.Canvas().Focus(v.username)
	} else {
		u.win.Canvas().Focus(v.server)
	}
}

// update makes the widgets follow the model.
func (v *firstRunView) update() {
	m := &v.model
	switch m.mode {
	case modeCreate:
		v.submit.SetText("Create account")
		v.password.SetPlaceHolder("Choose a password")
		v.passwordHint.SetText("There is no way to reset it without the recovery key you will get next.")
	case modeSignIn:
		v.submit.SetText("Sign in")
		v.password.SetPlaceHolder("Password")
		v.passwordHint.SetText("Signs this device in to an account you already have; your notes download after.")
	case modeRecover:
		v.submit.SetText("Set new password")
		v.password.SetPlaceHolder("Choose a new password")
		v.passwordHint.SetText("Your recovery key lets you choose a new password; your notes stay encrypted.")
	}
	if m.needsNewPassword() {
		v.meter.set(passwordStrength(m.password, m.username), m.password != "")
		v.confirmRow.Show()
	} else {
		v.confirmRow.Hide()
	}
	if m.mode == modeRecover {
		v.recoveryRow.Show()
	} else {
		v.recoveryRow.Hide()
	}
	if v.resultFor != normalizeServerURL(m.serverURL) && len(v.probeResult.Objects) > 0 {
		v.probeResult.RemoveAll() // the address was edited after the check
	}
	p := m.problem()
	v.hint.SetText(p)
	if p == "" {
		v.hint.Hide()
	} else {
		v.hint.Show()
	}
	if p != "" || v.busy {
		v.submit.Disable()
	} else {
		v.submit.Enable()
	}
}

// probe asks the server for its certificate off the UI thread.
func (v *firstRunView) probe() {
	url := normalizeServerURL(v.model.serverURL)
	if url == "" || v.probeSpin.Visible() {
		return
	}
	v.checkBt.Disable()
	v.checkBt.SetText("")
	v.probeSpin.Show()
	v.probeSpin.Start()
	v.probeResult.RemoveAll()
	v.u.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		info, err := v.u.api.ProbeServer(ctx, url)
		return func() {
			v.probeSpin.Stop()
			v.probeSpin.Hide()
			v.checkBt.SetText("Check")
			v.checkBt.Enable()
			v.resultFor = url
			if err != nil {
				v.model.probed = nil
				v.showProbeError(err)
			} else {
				v.model.probed, v.model.probedFor = &info, url
				v.model.trusted = false
				v.showProbe(info)
			}
			v.update()
		}
	})
}

func (v *firstRunView) showProbeError(err error) {
	l := widget.NewLabel("Can’t reach the server. " + words(err))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	v.probeResult.Objects = []fyne.CanvasObject{l}
	v.probeResult.Refresh()
}

func (v *firstRunView) showProbe(info core.ServerInfo) {
	if info.PublicTrusted {
		ok := widget.NewLabel("Its certificate is trusted by this system.")
		ok.Wrapping = fyne.TextWrapWord
		v.probeResult.Objects = []fyne.CanvasObject{
			container.NewBorder(nil, nil, widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())), nil, ok),
		}
		v.probeResult.Refresh()
		return
	}
	expl := paragraph("This server uses its own certificate. Compare this fingerprint with the one cipherleafd printed when it started (or run “cipherleafd fingerprint”). Trust it only if every character matches.")
	fp := widget.NewLabel(groupFingerprint(info.Fingerprint))
	fp.TextStyle = fyne.TextStyle{Monospace: true}
	fp.Selectable = true
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	fpBox := container.NewStack(bg, container.NewPadded(container.NewCenter(fp)))
	trust := widget.NewCheck("The fingerprints match: trust this server", func(on bool) {
		v.model.trusted = on
		v.update()
	})
	objs := []fyne.CanvasObject{expl, fpBox}
	switch {
	case v.u.opts.Pin != "" && sameFingerprint(v.u.opts.Pin, info.Fingerprint):
		note := caption("It matches the fingerprint this app was started with.")
		note.Wrapping = fyne.TextWrapWord
		objs = append(objs, note)
		trust.SetChecked(true)
	case v.u.opts.Pin != "":
		warn := widget.NewLabel("It does NOT match the fingerprint this app was started with. Someone may be intercepting the connection; don’t trust it unless you know why it changed.")
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.DangerImportance
		objs = append(objs, warn)
	}
	objs = append(objs, trust)
	v.probeResult.Objects = objs
	v.probeResult.Refresh()
}

// send creates the account, signs in or recovers, off the UI thread.
func (v *firstRunView) send() {
	if v.busy || v.model.problem() != "" {
		return
	}
	m := v.model
	url := normalizeServerURL(m.serverURL)
	user := strings.TrimSpace(m.username)
	pw := []byte(m.password)
	v.setBusy(true)
	setError(v.errText, nil)
	u := v.u
	u.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
		defer cancel()
		var key string
		var err error
		switch m.mode {
		case modeCreate:
			key, err = u.api.Register(ctx, core.RegisterInput{ServerURL: url, Pin: m.pin(), Username: user, Password: pw})
		case modeSignIn:
			err = u.api.Login(ctx, core.LoginInput{ServerURL: url, Pin: m.pin(), Username: user, Password: pw})
		case modeRecover:
			err = u.api.Recover(ctx, core.RecoverInput{ServerURL: url, Pin: m.pin(), Username: user, RecoveryKey: strings.TrimSpace(m.recovery), NewPassword: pw})
		}
		clear(pw)
		return func() {
			v.setBusy(false)
			if errors.Is(err, core.ErrTwoFactorRequired) && m.mode != modeCreate {
				u.askSecondFactor(func(ctx context.Context, f protocol.SecondFactor) error {
					pw := []byte(m.password)
					defer clear(pw)
					if m.mode == modeRecover {
						return u.api.Recover(ctx, core.RecoverInput{ServerURL: url, Pin: m.pin(), Username: user,
							RecoveryKey: strings.TrimSpace(m.recovery), NewPassword: pw, SecondFactor: f})
					}
					return u.api.Login(ctx, core.LoginInput{ServerURL: url, Pin: m.pin(), Username: user, Password: pw, SecondFactor: f})
				}, u.showMain)
				return
			}
			if err != nil {
				setError(v.errText, err)
				return
			}
			if m.mode == modeCreate {
				if key == "" {
					setError(v.errText, errors.New("the server did not return a recovery key"))
					return
				}
				u.showRecoveryKey(key, true, u.showMain)
				return
			}
			u.showMain()
		}
	})
}

func (v *firstRunView) setBusy(on bool) {
	v.busy = on
	if on {
		v.submit.SetText("")
		v.spinner.Show()
		v.spinner.Start()
		for _, e := range []*entry{v.server, v.username, v.password, v.confirm, v.recovery} {
			e.Disable()
		}
		v.modes.Disable()
	} else {
		v.spinner.Stop()
		v.spinner.Hide()
		for _, e := range []*entry{v.server, v.username, v.password, v.confirm, v.recovery} {
			e.Enable()
		}
		v.modes.Enable()
	}
	v.update()
}

// strengthMeter shows four bars and words for a new password.
type strengthMeter struct {
	bars    []*canvas.Rectangle
	text    *widget.Label
	content fyne.CanvasObject
}

func newStrengthMeter() *strengthMeter {
	s := &strengthMeter{text: caption("")}
	row := container.NewGridWithColumns(4)
	for range 4 {
		r := canvas.NewRectangle(theme.Color(theme.ColorNameDisabled))
		r.SetMinSize(fyne.NewSize(20, 4))
		r.CornerRadius = 2
		s.bars = append(s.bars, r)
		row.Add(r)
	}
	s.content = container.NewVBox(container.New(layout.NewCustomPaddedLayout(4, 0, 4, 4), row), s.text)
	return s
}

func (s *strengthMeter) set(st strength, typed bool) {
	fill := theme.Color(theme.ColorNameError)
	switch {
	case st.Score >= 3:
		fill = theme.Color(theme.ColorNameSuccess)
	case st.Score == 2:
		fill = theme.Color(theme.ColorNameWarning)
	}
	lit := max(st.Score, 1)
	if !typed {
		lit = 0
	}
	for i, r := range s.bars {
		if i < lit {
			r.FillColor = fill
		} else {
			r.FillColor = theme.Color(theme.ColorNameInputBackground)
		}
		r.Refresh()
	}
	if typed {
		s.text.SetText("Strength: " + st.Words)
	} else {
		s.text.SetText("Use a long password: a few unrelated words work well.")
	}
}
