; The per-user Windows installer: no administrator rights, installs into
; %LOCALAPPDATA%\Programs\Softphone, adds a Start-menu entry, makes the
; program the user's handler of sip:, sips:, tel: and callto: links, and
; an entry in Apps & features; the uninstaller takes all of it away again
; (a link handler only while it still names us).
;
; makensis -DEXEDIR=build/windows -DVERSION=x.y.z -DOUTFILE=... softphone.nsi

Unicode true
; The programs are 64-bit, and so is the installer: it then runs where
; they do, with no 32-bit layer (WoW64) needed.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Softphone"

Name "Softphone"
Icon "${EXEDIR}\softphone.ico"
UninstallIcon "${EXEDIR}\softphone.ico"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "Softphone"
VIAddVersionKey "FileDescription" "Softphone installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "The Softphone authors"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Softphone"
ShowInstDetails nevershow
ShowUninstDetails nevershow

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

!macro LinkHandler SCHEME
  WriteRegStr HKCU "Software\Classes\${SCHEME}" "" "URL:${SCHEME} Protocol"
  WriteRegStr HKCU "Software\Classes\${SCHEME}" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\${SCHEME}\DefaultIcon" "" "$INSTDIR\softphone.exe,0"
  WriteRegStr HKCU "Software\Classes\${SCHEME}\shell\open\command" "" '"$INSTDIR\softphone.exe" "%1"'
!macroend

!macro DropLinkHandler SCHEME
  ReadRegStr $0 HKCU "Software\Classes\${SCHEME}\shell\open\command" ""
  StrCmp $0 '"$INSTDIR\softphone.exe" "%1"' 0 +2
    DeleteRegKey HKCU "Software\Classes\${SCHEME}"
!macroend

Section "Softphone"
  SetOutPath "$INSTDIR"
  File "${EXEDIR}/softphone.exe"
  File "${EXEDIR}/softphone-cli.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\Softphone"
  CreateShortcut "$SMPROGRAMS\Softphone\Softphone.lnk" "$INSTDIR\softphone.exe"

  !insertmacro LinkHandler sip
  !insertmacro LinkHandler sips
  !insertmacro LinkHandler tel
  !insertmacro LinkHandler callto

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Softphone"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Softphone developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\softphone.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  !insertmacro DropLinkHandler sip
  !insertmacro DropLinkHandler sips
  !insertmacro DropLinkHandler tel
  !insertmacro DropLinkHandler callto
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  Delete "$SMPROGRAMS\Softphone\Softphone.lnk"
  RMDir "$SMPROGRAMS\Softphone"
  Delete "$INSTDIR\softphone.exe"
  Delete "$INSTDIR\softphone-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd
