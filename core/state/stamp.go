package state

// stamped gives each event its state version; only the bus calls it.

func (e RegistrationEvent) stamped(v uint64) Event { e.version = v; return e }
func (e ListeningEvent) stamped(v uint64) Event    { e.version = v; return e }
func (e CallEvent) stamped(v uint64) Event         { e.version = v; return e }
func (e MediaEvent) stamped(v uint64) Event        { e.version = v; return e }
func (e DTMFEvent) stamped(v uint64) Event         { e.version = v; return e }
func (e CallStatsEvent) stamped(v uint64) Event    { e.version = v; return e }
func (e DeviceEvent) stamped(v uint64) Event       { e.version = v; return e }
func (e NoticeEvent) stamped(v uint64) Event       { e.version = v; return e }
func (e VoicemailEvent) stamped(v uint64) Event    { e.version = v; return e }
func (e BLFEvent) stamped(v uint64) Event          { e.version = v; return e }
func (e WatchEvent) stamped(v uint64) Event        { e.version = v; return e }
func (e MessageEvent) stamped(v uint64) Event      { e.version = v; return e }
func (e ConfigEvent) stamped(v uint64) Event       { e.version = v; return e }
func (e JournalEvent) stamped(v uint64) Event      { e.version = v; return e }
