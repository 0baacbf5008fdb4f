#include <stdlib.h>
#include <string.h>
#include "h264.h"

static void enc_destroy(sp_h264enc *e) {
	if (e->enc == NULL) return;
	if (e->live) (*e->enc)->Uninitialize(e->enc);
	WelsDestroySVCEncoder(e->enc);
	e->enc = NULL;
	e->live = 0;
}

int sp_h264enc_init(sp_h264enc *e, int w, int h, int fps, int bps, int max_nal) {
	// A new encoder for every size: simpler and surer than openh264's
	// in-place reconfiguration; the first frame is an IDR either way.
	enc_destroy(e);
	if (WelsCreateSVCEncoder(&e->enc) != 0 || e->enc == NULL) {
		e->enc = NULL;
		e->err = -1;
		return SP_H264_CREATE;
	}
	int quiet = WELS_LOG_QUIET; // it logs warnings to stderr otherwise
	(*e->enc)->SetOption(e->enc, ENCODER_OPTION_TRACE_LEVEL, &quiet);

	SEncParamExt *p = &e->p;
	(*e->enc)->GetDefaultParams(e->enc, p);
	p->iUsageType = CAMERA_VIDEO_REAL_TIME;
	p->iPicWidth = w;
	p->iPicHeight = h;
	p->iTargetBitrate = bps;
	p->iMaxBitrate = UNSPECIFIED_BIT_RATE;
	p->iRCMode = RC_BITRATE_MODE;
	p->fMaxFrameRate = (float)fps;
	p->iTemporalLayerNum = 1;
	p->iSpatialLayerNum = 1;
	p->iComplexityMode = LOW_COMPLEXITY;
	p->uiIntraPeriod = 3000; // IDRs come on request (PLI/FIR); this is a safety net
	p->iNumRefFrame = 1;
	p->eSpsPpsIdStrategy = CONSTANT_ID; // every IDR carries the same SPS/PPS
	p->bPrefixNalAddingCtrl = false;
	p->bEnableSSEI = false;
	p->bSimulcastAVC = false;
	p->iPaddingFlag = 0;
	p->iEntropyCodingModeFlag = 0; // CAVLC: constrained baseline
	// Skip frames rather than overshoot when the target is too low for
	// the picture (without it openh264 misses low targets by 3×): a
	// call's bandwidth estimate is a ceiling. Frames after an IDR are
	// often skipped while it is paid for.
	p->bEnableFrameSkip = true;
	p->uiMaxNalSize = max_nal;
	p->iMultipleThreadIdc = 1; // 2-core machines; a call has audio and capture too
	p->bUseLoadBalancing = false;
	p->iLoopFilterDisableIdc = 0;
	p->bEnableDenoise = false;
	p->bEnableBackgroundDetection = true;
	p->bEnableAdaptiveQuant = true;
	p->bEnableFrameCroppingFlag = true;
	p->bEnableSceneChangeDetect = false; // no IDR unasked
	p->bEnableLongTermReference = false;

	SSpatialLayerConfig *l = &p->sSpatialLayers[0];
	l->iVideoWidth = w;
	l->iVideoHeight = h;
	l->fFrameRate = (float)fps;
	l->iSpatialBitrate = bps;
	l->iMaxSpatialBitrate = UNSPECIFIED_BIT_RATE;
	l->uiProfileIdc = PRO_BASELINE;
	l->uiLevelIdc = LEVEL_3_1;
	l->iDLayerQp = 0;
	// Slices no bigger than max_nal bytes: each goes in one RTP packet
	// and a lost packet costs one slice, not the frame.
	l->sSliceArgument.uiSliceMode = SM_SIZELIMITED_SLICE;
	l->sSliceArgument.uiSliceSizeConstraint = max_nal;
	l->sSliceArgument.uiSliceNum = 0;

	e->err = (*e->enc)->InitializeExt(e->enc, p);
	if (e->err != cmResultSuccess) {
		enc_destroy(e);
		return SP_H264_INIT;
	}
	e->live = 1;
	(*e->enc)->SetOption(e->enc, ENCODER_OPTION_TRACE_LEVEL, &quiet);
	int format = videoFormatI420;
	(*e->enc)->SetOption(e->enc, ENCODER_OPTION_DATAFORMAT, &format);

	memset(&e->pic, 0, sizeof e->pic);
	e->pic.iColorFormat = videoFormatI420;
	e->pic.iPicWidth = w;
	e->pic.iPicHeight = h;
	e->fps = fps;
	e->frames = 0;
	return SP_H264_OK;
}

int sp_h264enc_encode(sp_h264enc *e, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                      int ystride, int cstride, int force_key) {
	e->out_len = 0;
	e->key = 0;
	if (force_key) (*e->enc)->ForceIntraFrame(e->enc, true);
	e->pic.pData[0] = (uint8_t *)y;
	e->pic.pData[1] = (uint8_t *)u;
	e->pic.pData[2] = (uint8_t *)v;
	e->pic.iStride[0] = ystride;
	e->pic.iStride[1] = cstride;
	e->pic.iStride[2] = cstride;
	e->pic.uiTimeStamp = e->frames * 1000 / e->fps;
	memset(&e->info, 0, sizeof e->info);
	e->err = (*e->enc)->EncodeFrame(e->enc, &e->pic, &e->info);
	// The planes are the caller's: forget them before returning.
	e->pic.pData[0] = e->pic.pData[1] = e->pic.pData[2] = NULL;
	if (e->err != cmResultSuccess) return SP_H264_ENCODE;
	e->frames++;
	if (e->info.eFrameType == videoFrameTypeSkip || e->info.eFrameType == videoFrameTypeInvalid)
		return SP_H264_OK;
	for (int i = 0; i < e->info.iLayerNum; i++) {
		const SLayerBSInfo *layer = &e->info.sLayerInfo[i];
		size_t n = 0;
		for (int j = 0; j < layer->iNalCount; j++) n += layer->pNalLengthInByte[j];
		size_t need = e->out_len + n;
		if (need > e->out_cap) {
			size_t cap = need * 2;
			uint8_t *b = realloc(e->out, cap);
			if (b == NULL) return SP_H264_NOMEM;
			e->out = b;
			e->out_cap = cap;
		}
		// A layer's NAL units are back to back, each with its start code.
		memcpy(e->out + e->out_len, layer->pBsBuf, n);
		e->out_len = need;
	}
	e->key = e->info.eFrameType == videoFrameTypeIDR;
	return SP_H264_OK;
}

int sp_h264enc_set_bitrate(sp_h264enc *e, int bps) {
	SBitrateInfo b = {.iLayer = SPATIAL_LAYER_ALL, .iBitrate = bps};
	e->err = (*e->enc)->SetOption(e->enc, ENCODER_OPTION_BITRATE, &b);
	return e->err == cmResultSuccess ? SP_H264_OK : SP_H264_BITRATE;
}

void sp_h264enc_close(sp_h264enc *e) {
	enc_destroy(e);
	free(e->out);
	e->out = NULL;
	e->out_len = e->out_cap = 0;
}

int sp_h264dec_init(sp_h264dec *d) {
	if (WelsCreateDecoder(&d->dec) != 0 || d->dec == NULL) {
		d->dec = NULL;
		return -1;
	}
	int quiet = WELS_LOG_QUIET;
	(*d->dec)->SetOption(d->dec, DECODER_OPTION_TRACE_LEVEL, &quiet);
	SDecodingParam prm;
	memset(&prm, 0, sizeof prm);
	// No concealment: a damaged frame is an error, and the receiver asks
	// for an IDR rather than showing smeared pictures.
	prm.eEcActiveIdc = ERROR_CON_DISABLE;
	prm.sVideoProperty.size = sizeof prm.sVideoProperty;
	prm.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
	long r = (*d->dec)->Initialize(d->dec, &prm);
	if (r != 0) {
		WelsDestroyDecoder(d->dec);
		d->dec = NULL;
		return (int)r;
	}
	return 0;
}

static void copy_plane(uint8_t *dst, int dstride, const uint8_t *src, int sstride, int w, int h) {
	for (int i = 0; i < h; i++) memcpy(dst + (size_t)i * dstride, src + (size_t)i * sstride, w);
}

void sp_h264dec_copy(sp_h264dec *d, uint8_t *y, uint8_t *u, uint8_t *v) {
	const SSysMEMBuffer *b = &d->info.UsrData.sSystemBuffer;
	int cw = (d->w + 1) / 2, ch = (d->h + 1) / 2;
	copy_plane(y, d->w, d->dst[0], b->iStride[0], d->w, d->h);
	copy_plane(u, cw, d->dst[1], b->iStride[1], cw, ch);
	copy_plane(v, cw, d->dst[2], b->iStride[1], cw, ch);
}

int sp_h264dec_decode(sp_h264dec *d, const uint8_t *data, size_t n,
                      uint8_t *y, uint8_t *u, uint8_t *v, int w, int h) {
	memset(&d->info, 0, sizeof d->info);
	d->dst[0] = d->dst[1] = d->dst[2] = NULL;
	d->state = (*d->dec)->DecodeFrameNoDelay(d->dec, data, (int)n, d->dst, &d->info);
	if (d->state != dsErrorFree) return SP_H264DEC_ERROR;
	if (d->info.iBufferStatus != 1 || d->dst[0] == NULL) {
		// Slices but no picture: the frame lacks some of its slices (lost
		// packets), and openh264 waits for them. Constrained baseline has
		// no reordering, so nothing else holds a picture back.
		int vcl = FEEDBACK_UNKNOWN_NAL;
		(*d->dec)->GetOption(d->dec, DECODER_OPTION_VCL_NAL, &vcl);
		if (vcl == FEEDBACK_VCL_NAL) {
			d->state = dsBitstreamError;
			return SP_H264DEC_INCOMPLETE;
		}
		return SP_H264DEC_NONE;
	}
	const SSysMEMBuffer *b = &d->info.UsrData.sSystemBuffer;
	if (b->iFormat != videoFormatI420) {
		d->state = dsInvalidArgument;
		return SP_H264DEC_ERROR;
	}
	d->w = b->iWidth;
	d->h = b->iHeight;
	if (d->w != w || d->h != h || y == NULL) return SP_H264DEC_RESIZE;
	sp_h264dec_copy(d, y, u, v);
	return SP_H264DEC_PICTURE;
}

void sp_h264dec_close(sp_h264dec *d) {
	if (d->dec == NULL) return;
	(*d->dec)->Uninitialize(d->dec);
	WelsDestroyDecoder(d->dec);
	d->dec = NULL;
}
